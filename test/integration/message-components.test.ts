import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayClient } from '../helpers/gateway.js';
import { expectError, startTestNode } from '../helpers/node.js';

const button = (custom_id: string, extra: Record<string, unknown> = {}) => ({ type: 2, style: 1, label: custom_id, custom_id, ...extra });
const row = (...components: unknown[]) => ({ type: 1, components });
const select = (custom_id: string, options: unknown[], extra: Record<string, unknown> = {}) => ({ type: 3, custom_id, options, ...extra });
const option = (value: string) => ({ label: value, value });

test('message components: Discord validation with nested 50035 errors, storage in every payload, who may send them', async (t) => {
  const { api, base } = await startTestNode(t);
  const owner = await api.register('compvalidator');
  const guild = await api.createGuild(owner.token, 'Component rules');
  const bot = await api.createBot(owner.token, guild.id, 'RowBot', '3072');
  const asBot = { token: bot.token, bot: true };
  const messages = `/channels/${guild.textChannelId}/messages`;
  const send = (components: unknown, content = 'x') => api.request('POST', messages, { ...asBot, body: { content, components } });
  const leaf = (body: any, ...path: (string | number)[]) => path.reduce((node, key) => node?.[key], body.errors)?._errors?.[0]?.code;

  // Each rule answers 50035 with the error where Discord puts it.
  const cases: [unknown, (string | number)[], string][] = [
    [Array.from({ length: 6 }, (_, i) => row(button(`b${i}`))), [], 'BASE_TYPE_MAX_LENGTH'],
    [[row(...Array.from({ length: 6 }, (_, i) => button(`b${i}`)))], [0, 'components'], 'BASE_TYPE_MAX_LENGTH'],
    [[row()], [0, 'components'], 'BASE_TYPE_MIN_LENGTH'],
    [[button('loose')], [0, 'type'], 'UNION_TYPE_CHOICES'],
    [[row({ type: 4, custom_id: 'text', style: 1, label: 'Text' })], [0, 'components', 0, 'type'], 'UNION_TYPE_CHOICES'],
    [[row(button('same')), row(button('same'))], [1, 'components', 0, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED'],
    [[row(button('x'.repeat(101)))], [0, 'components', 0, 'custom_id'], 'BASE_TYPE_BAD_LENGTH'],
    [[row({ type: 2, style: 1, label: 'No id' })], [0, 'components', 0, 'custom_id'], 'BASE_TYPE_REQUIRED'],
    [[row(button('styled', { style: 9 }))], [0, 'components', 0, 'style'], 'BASE_TYPE_CHOICES'],
    [[row({ type: 2, style: 5, label: 'Link', url: 'https://example.org', custom_id: 'link' })], [0, 'components', 0, 'custom_id'], 'BUTTON_COMPONENT_URL_CUSTOM_ID_EXCLUSIVE'],
    [[row({ type: 2, style: 5, label: 'Link' })], [0, 'components', 0, 'url'], 'BASE_TYPE_REQUIRED'],
    [[row(button('with-url', { url: 'https://example.org' }))], [0, 'components', 0, 'url'], 'BUTTON_COMPONENT_URL_CUSTOM_ID_EXCLUSIVE'],
    [[row({ type: 2, style: 1, custom_id: 'bare' })], [0, 'components', 0, 'label'], 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED'],
    [[row(select('empty', []))], [0, 'components', 0, 'options'], 'BASE_TYPE_MIN_LENGTH'],
    [[row(select('many', Array.from({ length: 26 }, (_, i) => option(`o${i}`))))], [0, 'components', 0, 'options'], 'BASE_TYPE_MAX_LENGTH'],
    [[row(select('dupes', [option('a'), option('a')]))], [0, 'components', 0, 'options', 1, 'value'], 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED'],
    [[row(select('toomany', [option('a')], { max_values: 2 }))], [0, 'components', 0, 'max_values'], 'SELECT_COMPONENT_MAX_VALUES_TOO_HIGH'],
    [[row(select('minmax', [option('a'), option('b')], { min_values: 2, max_values: 1 }))], [0, 'components', 0, 'min_values'], 'SELECT_COMPONENT_MIN_VALUES_TOO_HIGH'],
    [[row(select('wide', [option('a')]), button('beside'))], [0, 'components', 1], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED'],
    [[row({ type: 5, custom_id: 'users', default_values: [{ id: owner.id, type: 'role' }] })], [0, 'components', 0, 'default_values', 0], 'BASE_TYPE_INVALID'],
    ['not rows', [], 'BASE_TYPE_ARRAY'],
  ];
  for (const [components, path, code] of cases) {
    const res = await expectError(send(components), 400, 50035);
    assert.equal(leaf(res.body, 'components', ...path), code, `${JSON.stringify(components).slice(0, 120)} → ${JSON.stringify(res.body.errors)}`);
  }

  // A valid message: components alone are content enough; ids are given to every component.
  const gw = await GatewayClient.connect(base);
  t.after(() => gw.close());
  await gw.identify(owner.token);
  const rows = [row(button('ok'), { type: 2, style: 5, label: 'Docs', url: 'https://example.org/docs' }), row(select('menu', [option('a'), option('b')], { max_values: 2 })), row({ type: 8, custom_id: 'where', channel_types: [0] })];
  const sent = await api.request('POST', messages, { ...asBot, body: { components: rows } });
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  assert.equal(sent.body.content, '');
  assert.equal(sent.body.components.length, 3);
  const ids = [...sent.body.components.map((r: any) => r.id), ...sent.body.components.flatMap((r: any) => r.components.map((c: any) => c.id))];
  assert.equal(new Set(ids).size, ids.length, 'component ids are unique in the message');
  assert.deepEqual(sent.body.components[1].components[0].options, [option('a'), option('b')]);
  const dispatched = await gw.next((p) => p.t === 'MESSAGE_CREATE' && p.d.id === sent.body.id);
  assert.deepEqual(dispatched.d.components, sent.body.components);
  assert.deepEqual((await api.request('GET', `${messages}/${sent.body.id}`, { token: owner.token })).body.components, sent.body.components);

  // Edits: new components replace the old ones (MESSAGE_UPDATE carries them), [] removes them.
  const from = gw.received.length;
  const edited = await api.request('PATCH', `${messages}/${sent.body.id}`, { ...asBot, body: { content: 'now', components: [row(button('only'))] } });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  assert.equal(edited.body.components[0].components[0].custom_id, 'only');
  const update = await gw.next((p) => p.t === 'MESSAGE_UPDATE' && p.d.id === sent.body.id, 10_000, from);
  assert.equal(update.d.components[0].components[0].custom_id, 'only');
  await expectError(api.request('PATCH', `${messages}/${sent.body.id}`, { ...asBot, body: { components: [row(button('a'), button('a'))] } }), 400, 50035);
  const cleared = await api.request('PATCH', `${messages}/${sent.body.id}`, { ...asBot, body: { components: [] } });
  assert.deepEqual(cleared.body.components, []);

  // A user's client cannot send components (dropped, as on Discord): alone they are an empty message.
  const byUser = await api.request('POST', messages, { token: owner.token, body: { content: 'mine', components: rows } });
  assert.deepEqual(byUser.body.components, []);
  await expectError(api.request('POST', messages, { token: owner.token, body: { components: rows } }), 400, 50006);

  // A webhook no application owns may send link buttons only.
  const hook = await api.request('POST', `/channels/${guild.textChannelId}/webhooks`, { token: owner.token, body: { name: 'Hooky' } });
  const execute = `/webhooks/${hook.body.id}/${hook.body.token}?wait=true`;
  const interactive = await expectError(api.request('POST', execute, { body: { content: 'x', components: [row(button('no'))] } }), 400, 50035);
  assert.equal(leaf(interactive.body, 'components', 0, 'components', 0), 'COMPONENT_INTERACTIVE_NOT_ALLOWED');
  const links = await api.request('POST', execute, { body: { content: 'see', components: [row({ type: 2, style: 5, label: 'Site', url: 'https://example.org' })] } });
  assert.equal(links.status, 200, JSON.stringify(links.body));
  assert.equal(links.body.components[0].components[0].url, 'https://example.org');
  const hookEdit = await api.request('PATCH', `/webhooks/${hook.body.id}/${hook.body.token}/messages/${links.body.id}`, { body: { components: [] } });
  assert.deepEqual(hookEdit.body.components, []);
  const history = await api.request<any[]>('GET', `${messages}?limit=10`, { token: owner.token });
  assert.ok(history.body.every((m) => Array.isArray(m.components)), 'history carries components on every message');
  assert.equal(history.body.find((m) => m.id === sent.body.id)?.content, 'now');
});
