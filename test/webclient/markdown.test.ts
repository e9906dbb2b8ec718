// The web client's Discord markdown parser (app/renderer/client/src/markdown/parse.ts): the
// node types each construct yields, and that nothing becomes raw HTML or an unsafe link.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMarkdown, safeHref, type MdNode } from '../../app/renderer/client/src/markdown/parse';

/** The tree as [type, content] pairs, text merged, for compact assertions. */
function shape(nodes: MdNode[]): unknown[] {
  return nodes.map((n) => {
    if (n.type === 'text') return n.content;
    if (Array.isArray(n.content)) return [n.type, ...shape(n.content as MdNode[])];
    const { type, ...rest } = n;
    return [type, rest];
  });
}

function texts(nodes: MdNode[]): string {
  return nodes.map((n) => (n.type === 'text' ? String(n.content) : Array.isArray(n.content) ? texts(n.content as MdNode[]) : '')).join('');
}

test('bold, italic, underline, strike, spoiler nest as Discord draws them', () => {
  const tree = parseMarkdown('**bold** *it* _it2_ __under__ ~~gone~~ ||secret **deep**||');
  const types = tree.map((n) => n.type).filter((t) => t !== 'text');
  assert.deepEqual(types, ['strong', 'em', 'em', 'u', 'del', 'spoiler']);
  const spoiler = tree.find((n) => n.type === 'spoiler')!;
  assert.ok((spoiler.content as MdNode[]).some((n) => n.type === 'strong'), 'markdown inside a spoiler');
});

test('inline code and code blocks keep their text verbatim (no markdown inside)', () => {
  const tree = parseMarkdown('use `**not bold**` or\n```js\nconst a = "<b>";\n**x**\n```');
  const code = tree.find((n) => n.type === 'inlineCode')!;
  assert.equal(code.content, '**not bold**');
  const block = tree.find((n) => n.type === 'codeBlock')!;
  assert.equal(block.lang, 'js');
  assert.equal(block.content, 'const a = "<b>";\n**x**');
});

test('quotes: "> " quotes its line at the start of a line only; ">>> " quotes the rest', () => {
  const tree = parseMarkdown('> quoted **line**\nnot quoted > here');
  assert.equal(tree[0]!.type, 'blockQuote');
  assert.equal(texts(tree[0]!.content as MdNode[]), 'quoted line');
  assert.equal(texts(tree.slice(1)), 'not quoted > here');
  const rest = parseMarkdown('>>> all\nof this');
  assert.equal(rest.length, 1);
  assert.equal(texts(rest[0]!.content as MdNode[]), 'all\nof this');
});

test('mentions, channels, roles, custom emoji and @everyone', () => {
  const tree = parseMarkdown('hi <@123> <@!456> <#789> <@&42> <:blob:555> <a:party:666> @everyone');
  const nodes = tree.filter((n) => n.type !== 'text');
  assert.deepEqual(shape(nodes), [
    ['userMention', { id: '123' }],
    ['userMention', { id: '456' }],
    ['channelMention', { id: '789' }],
    ['roleMention', { id: '42' }],
    ['customEmoji', { animated: false, name: 'blob', id: '555' }],
    ['customEmoji', { animated: true, name: 'party', id: '666' }],
    ['everyone', { name: 'everyone' }],
  ]);
});

test('links: bare URLs, <autolinks> and masked links become link nodes; only http(s)/mailto are clickable', () => {
  const tree = parseMarkdown('see https://example.com/a?b=1 and <https://x.test> or [docs](https://docs.test/p)');
  const links = tree.filter((n) => n.type === 'link');
  assert.deepEqual(links.map((l) => l.target), ['https://example.com/a?b=1', 'https://x.test', 'https://docs.test/p']);
  assert.equal(safeHref('javascript:alert(1)'), null);
  assert.equal(safeHref('data:text/html,<b>'), null);
  assert.equal(safeHref('https://ok.test/'), 'https://ok.test/');
});

test('HTML in a message stays text', () => {
  const tree = parseMarkdown('<img src=x onerror=alert(1)> <script>alert(1)</script>');
  assert.deepEqual([...new Set(tree.map((n) => n.type))], ['text']);
  assert.equal(texts(tree), '<img src=x onerror=alert(1)> <script>alert(1)</script>');
  assert.ok(!tree.some((n) => n.type === 'html'));
});
