// The RabbitMQ event bus: two nodes in this process on one database (the machine's PostgreSQL)
// and one broker (the machine's RabbitMQ), each test with its own database and exchange.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { Client, Events, GatewayIntentBits, type Message } from 'discord.js';
import { RabbitBus } from '../../server/events/rabbitmq-bus.js';
import { SwitchableBus } from '../../server/events/switchable-bus.js';
import { UnreachableServiceError } from '../../server/index.js';
import { CliProcess } from '../helpers/cli.js';
import { waitFor } from '../helpers/discordjs.js';
import { GatewayClient } from '../helpers/gateway.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { BROKER, BrokerProxy, bindingsOf, freshDatabase, freshExchange } from '../helpers/rabbitmq.js';

const VIEW_CHANNEL = (1n << 10n).toString();

function rabbitBusOf(node: TestNode): RabbitBus {
  const bus = node.node.core.bus instanceof SwitchableBus ? node.node.core.bus.transport : node.node.core.bus;
  assert.ok(bus instanceof RabbitBus, 'the node runs the RabbitMQ bus');
  return bus;
}

test('two nodes, one database, one broker: events cross nodes, permissions follow, one queue per node', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const exchange = freshExchange(t);
  await t.test('nodes', async (st) => {
    const a = await startTestNode(st, { databaseUrl, rabbitmqUrl: BROKER, rabbitmqExchange: exchange });
    const b = await startTestNode(st, { databaseUrl, rabbitmqUrl: BROKER, rabbitmqExchange: exchange });
    const busA = rabbitBusOf(a);
    const busB = rabbitBusOf(b);
    assert.notEqual(busA.queueName, busB.queueName);

    const owner = await a.api.register('mqowner');
    const member = await a.api.register('mqmember');
    const guild = await a.api.createGuild(owner.token, 'Two nodes');
    const invite = await a.api.request('POST', `/channels/${guild.textChannelId}/invites`, { token: owner.token, body: {} });
    assert.equal((await b.api.request('POST', `/invites/${invite.body.code}`, { token: member.token })).status, 200);
    const role = await a.api.request('POST', `/guilds/${guild.id}/roles`, { token: owner.token, body: { name: 'staff' } });
    assert.equal(role.status, 200, JSON.stringify(role.body));
    const staff = await a.api.request('POST', `/guilds/${guild.id}/channels`, {
      token: owner.token,
      body: { name: 'staff', permission_overwrites: [{ id: guild.id, type: 0, deny: VIEW_CHANNEL }, { id: role.body.id, type: 0, allow: VIEW_CHANNEL }] },
    });
    assert.equal(staff.status, 201);
    const staffId: string = staff.body.id;
    assert.equal((await a.api.request('PUT', `/guilds/${guild.id}/members/${member.id}/roles/${role.body.id}`, { token: owner.token })).status, 204);
    const bot = await a.api.createBot(owner.token, guild.id, 'NodeBBot', '0');

    // A discord.js bot on node B gets a message posted through node A's REST.
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      rest: { api: `${b.base}/api` },
    });
    b.defer(() => client.destroy());
    const ready = once(client, Events.ClientReady);
    await client.login(bot.token);
    await ready;
    const got = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.content === 'from node A');
    assert.equal((await a.api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: 'from node A' } })).status, 200);
    const [message] = await got;
    assert.equal(message.channelId, guild.textChannelId);
    assert.equal(message.author.id, owner.id);

    // The member on node B sees #staff through the role, on the gateway and through B's REST (which caches it).
    const gw = await GatewayClient.connect(b.base);
    b.defer(() => gw.close());
    await gw.identify(member.token, (1 << 0) | (1 << 1) | (1 << 9) | (1 << 15));
    const post = (channel: string, content: string) => a.api.request('POST', `/channels/${channel}/messages`, { token: owner.token, body: { content } });
    const probe = async (secret: string, marker: string) => {
      const from = gw.received.length;
      assert.equal((await post(staffId, secret)).status, 200);
      assert.equal((await post(guild.textChannelId, marker)).status, 200);
      await gw.next((p) => p.t === 'MESSAGE_CREATE' && p.d.content === marker, 10_000, from);
      return gw.received.slice(from).filter((p) => p.t === 'MESSAGE_CREATE').map((p) => p.d.content as string);
    };
    assert.deepEqual(await probe('staff 1', 'marker 1'), ['staff 1', 'marker 1']);
    assert.equal((await b.api.request('GET', `/channels/${staffId}/messages`, { token: member.token })).status, 200);

    // The role is taken away on node A: node B stops dispatching #staff and its REST refuses.
    assert.equal((await a.api.request('DELETE', `/guilds/${guild.id}/members/${member.id}/roles/${role.body.id}`, { token: owner.token })).status, 204);
    await gw.next((p) => p.t === 'GUILD_MEMBER_UPDATE' && p.d.user.id === member.id && !p.d.roles.includes(role.body.id));
    assert.deepEqual(await probe('staff 2', 'marker 2'), ['marker 2']);
    const refused = await b.api.request('GET', `/channels/${staffId}/messages`, { token: member.token });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 50001);

    // One queue per node, however many sessions: the bot and the member on B share B's queue.
    const bindings = await bindingsOf(exchange);
    assert.deepEqual([...new Set(bindings.map((x) => x.queue))].sort(), [busA.queueName, busB.queueName].sort());
    const keysOfB = bindings.filter((x) => x.queue === busB.queueName).map((x) => x.key);
    assert.ok(keysOfB.includes('all'));
    assert.ok(keysOfB.includes(`guild.${guild.id}`));
    assert.ok(keysOfB.includes(`user.${member.id}`) && keysOfB.includes(`user.${bot.botId}`));
    assert.equal(keysOfB.filter((k) => k === `guild.${guild.id}`).length, 1, 'a key two sessions hold is bound once');

    // The member's session ends: its user key is unbound, the guild key (the bot still holds it) stays.
    gw.close();
    await waitUntil(async () => !(await bindingsOf(exchange)).some((x) => x.queue === busB.queueName && x.key === `user.${member.id}`));
    const after = (await bindingsOf(exchange)).filter((x) => x.queue === busB.queueName).map((x) => x.key);
    assert.ok(after.includes(`guild.${guild.id}`));

    // A bot token reset on node A: node B, which had the token's version cached, refuses the old token.
    const me = (token: string) => b.api.request('GET', '/users/@me', { token, bot: true });
    assert.equal((await me(bot.token)).status, 200);
    const reset = await a.api.request('POST', `/applications/${bot.appId}/bot/reset`, { token: owner.token });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    // The invalidation reaches B through its queue, shortly after A's publish was confirmed.
    await waitUntil(async () => (await me(bot.token)).status === 401, 5000);
    assert.equal((await me(reset.body.token)).status, 200);
  });
});

test('publish resolves once the broker has the event (publisher confirms)', async (t) => {
  const exchange = freshExchange(t);
  const bus = await RabbitBus.open({ url: BROKER, exchange });
  t.after(() => bus.close());
  const amqp = (await import('amqplib')).default;
  const connection = await amqp.connect(BROKER);
  t.after(() => connection.close());
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, exchange, 'guild.42');
  for (let i = 0; i < 20; i++) await bus.publish({ kind: 'dispatch', t: 'MESSAGE_CREATE', d: { i }, keys: ['guild:42'] });
  assert.equal((await channel.checkQueue(queue)).messageCount, 20, 'every confirmed event is in the queue');
  const first = await channel.get(queue, { noAck: true });
  assert.ok(first);
  assert.deepEqual(JSON.parse(first.content.toString()).d, { i: 0 });
  assert.equal(first.properties.appId, bus.nodeId);
});

test('node B loses the broker: its sessions are told to identify again, its events are buffered and sent', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const exchange = freshExchange(t);
  const proxy = await BrokerProxy.start(t);
  await t.test('nodes', async (st) => {
    const a = await startTestNode(st, { databaseUrl, rabbitmqUrl: BROKER, rabbitmqExchange: exchange });
    const b = await startTestNode(st, { databaseUrl, rabbitmqUrl: proxy.url, rabbitmqExchange: exchange });
    const busB = rabbitBusOf(b);
    const owner = await a.api.register('cutowner');
    const guild = await a.api.createGuild(owner.token, 'Cut');
    const bot = await a.api.createBot(owner.token, guild.id, 'CutBot', '0');
    const other = await a.api.createBot(owner.token, guild.id, 'OtherBot', '0');
    const meOnB = (token: string) => b.api.request('GET', '/users/@me', { token, bot: true });
    assert.equal((await meOnB(other.token)).status, 200, 'B has the token version of OtherBot cached');

    const onA = await GatewayClient.connect(a.base);
    a.defer(() => onA.close());
    await onA.identify(owner.token, (1 << 0) | (1 << 9) | (1 << 15));
    const onB = await GatewayClient.connect(b.base);
    b.defer(() => onB.close());
    await onB.identify(owner.token, (1 << 0) | (1 << 9) | (1 << 15));
    const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent], rest: { api: `${b.base}/api` } });
    b.defer(() => client.destroy());
    const ready = once(client, Events.ClientReady);
    await client.login(bot.token);
    await ready;

    proxy.cut();
    await waitUntil(() => !busB.connected);
    // Published on A while B is away: B never receives it, so B's sessions must not resume past it.
    assert.equal((await a.api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: 'while B was away' } })).status, 200);
    // A token reset on A that B never hears of: after the reconnect B's caches start over.
    assert.equal((await a.api.request('POST', `/applications/${other.appId}/bot/reset`, { token: owner.token })).status, 200);
    // Published on B while it is away: buffered, sent after the reconnect (the REST call waits for the confirm).
    const fromA = onA.received.length;
    const sentOnB = b.api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: 'buffered on B' } });
    await sleep(300);
    const reidentified = waitFor(client, Events.ShardReady, () => true, 20_000);
    proxy.restore();
    assert.equal((await sentOnB).status, 200);
    await onA.next((p) => p.t === 'MESSAGE_CREATE' && p.d.content === 'buffered on B', 15_000, fromA);
    assert.equal((await meOnB(other.token)).status, 401, 'the reset missed during the outage applies on B');

    // B's raw session was closed with a code clients resume on; the resume finds no session.
    const closed = await onB.closed;
    assert.equal(closed.code, 4000);
    const resume = await GatewayClient.connect(b.base);
    b.defer(() => resume.close());
    await resume.next((p) => p.op === 10);
    resume.send({ op: 6, d: { token: owner.token, session_id: onB.received.find((p) => p.t === 'READY')!.d.session_id, seq: 1 } });
    const invalid = await resume.next((p) => p.op === 9);
    assert.equal(invalid.d, false);

    // discord.js identified again by itself and gets new events through B.
    await reidentified;
    const got = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.content === 'after the outage', 15_000);
    assert.equal((await a.api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: 'after the outage' } })).status, 200);
    await got;
  });
});

test('a broker that cannot be reached at start fails the node with exit code 3', async (t) => {
  await assert.rejects(startTestNode(t, { rabbitmqUrl: 'amqp://guest:guest@127.0.0.1:1' }), (err: unknown) => {
    assert.ok(err instanceof UnreachableServiceError);
    assert.equal(err.exitCode, 3);
    assert.match(err.message, /HEARTH_RABBITMQ_URL .*127\.0\.0\.1:1.*Nothing is listening/);
    return true;
  });
});

test('npm start: an unreachable broker is one line and exit 3, an unreachable external database exit 4', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const dataDir = await mkdtemp(join(tmpdir(), 'hearth-cli-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const cases = [
    { env: { HEARTH_DATABASE_URL: databaseUrl, HEARTH_RABBITMQ_URL: 'amqp://guest:secret@127.0.0.1:1' }, code: 3, line: /^hearth: failed to start: cannot connect to HEARTH_RABBITMQ_URL \(amqp:\/\/guest:\*\*\*\*@127\.0\.0\.1:1\): Nothing is listening at 127\.0\.0\.1:1/ },
    { env: { HEARTH_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/hearth', HEARTH_RABBITMQ_URL: BROKER }, code: 4, line: /^hearth: failed to start: cannot connect to HEARTH_DATABASE_URL/ },
  ];
  for (const { env, code, line } of cases) {
    const cli = new CliProcess({ ...env, HEARTH_DATA_DIR: dataDir, HEARTH_PORT: '0', HEARTH_HOST: '127.0.0.1', HEARTH_LOG_LEVEL: 'silent' });
    t.after(() => cli.stop());
    const exit = await cli.waitExit(30_000);
    assert.equal(exit.code, code, cli.stderr);
    const lines = cli.stderr.trim().split('\n');
    assert.equal(lines.length, 1, cli.stderr);
    assert.match(lines[0]!, line);
    assert.doesNotMatch(cli.stderr, /secret/);
  }
});

async function waitUntil(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(50);
  }
}
