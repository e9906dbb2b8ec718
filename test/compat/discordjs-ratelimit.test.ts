import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Client, Events, GatewayIntentBits, RESTEvents, type TextChannel } from 'discord.js';
import { configDefaults } from '../../server/config/load.js';
import { startTestNode } from '../helpers/node.js';

const limits = { ...configDefaults({}).rateLimits, enabled: true, messageLimit: 2, messageWindowSeconds: 1, globalPerSecond: 50 };

test('rate limits: headers on every answer, 429 with Retry-After, and discord.js queues instead of looping', async (t) => {
  const { base, api, defer } = await startTestNode(t, { rateLimits: limits });
  const owner = await api.register('rlowner');
  const guild = await api.createGuild(owner.token);
  const bot = await api.createBot(owner.token, guild.id, 'RateBot', '3072');
  const path = `/channels/${guild.textChannelId}/messages`;

  await t.test('a raw client sees the headers and a well-formed 429', async () => {
    const first = await api.request('POST', path, { token: owner.token, body: { content: 'one' } });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-ratelimit-limit'), '2');
    assert.equal(first.headers.get('x-ratelimit-remaining'), '1');
    assert.ok(Number(first.headers.get('x-ratelimit-reset-after')) > 0);
    assert.ok(Number(first.headers.get('x-ratelimit-reset')) > Date.now() / 1000);
    assert.match(first.headers.get('x-ratelimit-bucket') ?? '', /^[0-9a-f]{16}$/);
    assert.equal((await api.request('POST', path, { token: owner.token, body: { content: 'two' } })).status, 200);
    const limited = await api.request('POST', path, { token: owner.token, body: { content: 'three' } });
    assert.equal(limited.status, 429);
    assert.match(limited.headers.get('content-type') ?? '', /application\/json/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 1, `Retry-After ${retryAfter}`);
    assert.equal(limited.body.message, 'You are being rate limited.');
    assert.equal(limited.body.global, false);
    assert.equal(typeof limited.body.retry_after, 'number');
    assert.equal(limited.headers.get('x-ratelimit-scope'), 'user');
    // Another channel is another bucket; another user has their own.
    const other = await api.register('rlother');
    assert.notEqual((await api.request('GET', '/users/@me', { token: owner.token })).status, 429);
    assert.notEqual((await api.request('GET', '/users/@me', { token: other.token })).status, 429);
    // After Retry-After the bucket is open again, and nothing was stored for the 429.
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 50));
    assert.equal((await api.request('POST', path, { token: owner.token, body: { content: 'four' } })).status, 200);
    const history = await api.request<{ content: string }[]>('GET', `${path}?limit=10`, { token: owner.token });
    assert.deepEqual(history.body.map((m) => m.content), ['four', 'two', 'one']);
  });

  await t.test('discord.js sends 6 messages in a 2-per-second channel: all land, in order, without a 429 storm', async () => {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: `${base}/api` } });
    defer(() => client.destroy());
    const ready = once(client, Events.ClientReady);
    await client.login(bot.token);
    await ready;
    let hits = 0;
    client.rest.on(RESTEvents.RateLimited, () => hits++);
    const channel = client.channels.cache.get(guild.textChannelId) as TextChannel;
    const started = Date.now();
    const sent = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => channel.send(`q${i}`)));
    const elapsed = Date.now() - started;
    assert.deepEqual(sent.map((m) => m.content), ['q0', 'q1', 'q2', 'q3', 'q4', 'q5']);
    assert.ok(elapsed >= 1500, `6 messages at 2/s took only ${elapsed} ms`);
    assert.ok(hits >= 1, 'discord.js saw the bucket run out and waited');
    const history = await api.request<{ content: string }[]>('GET', `${path}?limit=6`, { token: owner.token });
    assert.deepEqual(history.body.map((m) => m.content).reverse(), ['q0', 'q1', 'q2', 'q3', 'q4', 'q5']);
  });

  await t.test('the global limit answers 429 with X-RateLimit-Global', async () => {
    // 200 at once: even a busy machine answers more than 50 of them within one second.
    const results = await Promise.all(Array.from({ length: 200 }, () => api.request('GET', '/users/@me', { token: bot.token, bot: true })));
    const limited = results.filter((r) => r.status === 429);
    assert.ok(limited.length >= 1, 'some of 200 concurrent requests exceed 50/s');
    assert.equal(limited[0]!.headers.get('x-ratelimit-global'), 'true');
    assert.equal(limited[0]!.body.global, true);
  });
});
