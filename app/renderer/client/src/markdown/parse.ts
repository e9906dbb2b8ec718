// Discord's message markdown on simple-markdown (the parser Discord's own client grew from):
// bold, italic, underline, strike, inline code, code blocks, spoilers, quotes, links, mentions
// and custom emoji. The parser yields a tree; Markdown.tsx draws it with React elements only
// (never raw HTML), so message text cannot inject markup.
// simple-markdown is CommonJS: one default import works the same in Vite and in Node (tests).
import SimpleMarkdown, { type ParserRule, type ParserRules, type SingleASTNode } from 'simple-markdown';

const { anyScopeRegex, defaultRules, inlineRegex, parserFor } = SimpleMarkdown;

export type MdNode = SingleASTNode;

const base = defaultRules;

const rules: ParserRules = {
  escape: base.escape,
  // ```lang\ncode``` (the language line is optional), anywhere in a message.
  codeBlock: {
    order: base.codeBlock.order,
    match: anyScopeRegex(/^```(?:([a-z0-9_+\-.#]+?)\n)?\n*([^\n][\s\S]*?)\n*```/i),
    parse: (capture) => ({ lang: capture[1] ?? '', content: capture[2] ?? '' }),
  } as ParserRule,
  // "> " at the start of a line quotes that line; ">>> " quotes the rest of the message.
  blockQuote: {
    order: base.blockQuote.order,
    match: (source, state) => {
      const prev = state.prevCapture?.[0] ?? '';
      if (prev !== '' && !prev.endsWith('\n')) return null;
      return /^(?:>>> ([\s\S]*))|^((?:> [^\n]*(?:\n|$))+)/.exec(source);
    },
    parse: (capture, parse, state) => {
      const body = capture[1] ?? (capture[2] ?? '').replace(/^> /gm, '').replace(/\n$/, '');
      return { content: parse(body, { ...state, inQuote: true }) };
    },
  } as ParserRule,
  userMention: {
    order: base.strong.order,
    match: inlineRegex(/^<@!?(\d{1,20})>/),
    parse: (capture) => ({ id: capture[1] }),
  } as ParserRule,
  roleMention: {
    order: base.strong.order,
    match: inlineRegex(/^<@&(\d{1,20})>/),
    parse: (capture) => ({ id: capture[1] }),
  } as ParserRule,
  channelMention: {
    order: base.strong.order,
    match: inlineRegex(/^<#(\d{1,20})>/),
    parse: (capture) => ({ id: capture[1] }),
  } as ParserRule,
  customEmoji: {
    order: base.strong.order,
    match: inlineRegex(/^<(a?):(\w{2,32}):(\d{1,20})>/),
    parse: (capture) => ({ animated: capture[1] === 'a', name: capture[2], id: capture[3] }),
  } as ParserRule,
  everyone: {
    order: base.strong.order,
    match: inlineRegex(/^@(everyone|here)\b/),
    parse: (capture) => ({ name: capture[1] }),
  } as ParserRule,
  spoiler: {
    order: base.em.order - 0.5,
    match: inlineRegex(/^\|\|([\s\S]+?)\|\|/),
    parse: (capture, parse, state) => ({ content: parse(capture[1] ?? '', state) }),
  } as ParserRule,
  autolink: base.autolink,
  url: base.url,
  link: base.link,
  strong: base.strong,
  u: base.u,
  em: base.em,
  del: base.del,
  inlineCode: base.inlineCode,
  text: {
    ...base.text,
    // Stop before the characters the rules above start with, so "||", "<@" and "@everyone" are seen.
    match: anyScopeRegex(/^[\s\S]+?(?=[^0-9A-Za-z\s\u00c0-\uffff]|\n| {2,}\n|\w+:\S|$)/),
  } as ParserRule,
};

const parser = parserFor(rules, { inline: true });

export function parseMarkdown(source: string): MdNode[] {
  return parser(source, { inline: true });
}

/** Only http(s) and mailto links are clickable. */
export function safeHref(target: unknown): string | null {
  if (typeof target !== 'string') return null;
  try {
    const url = new URL(target);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : null;
  } catch {
    return null;
  }
}
