// Several nodes (issue 9), fault: node A is killed with SIGKILL under load. Two `npm start`
// processes on one fresh database of the machine's PostgreSQL and the machine's RabbitMQ (the
// test's own exchange); a TCP proxy stands in for the load balancer. What must hold: every
// message the REST API acknowledged is in the database and reached B's gateway clients; A's
// discord.js bot reconnects through the balancer to B and gets new messages there.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { Client, Events, GatewayIntentBits, type Message } from 'discord.js';
import { TcpSwitch, startNodeProcess } from '../helpers/cluster.js';
import { waitFor } from '../helpers/discordjs.js';
import { GatewayClient } from '../helpers/gateway.js';
import { BROKER, freshDatabase, freshExchange } from '../helpers/rabbitmq.js';

const WORKERS = 8;

test('node A killed with SIGKILL under load: every acknowledged message is stored and delivered, A\'s bot continues on B', async (t) => {
  const databaseUrl = await freshDatabase(t);
  const exchange = freshExchange(t);
  await t.test('nodes', async (st) => {
    // The balancer's port is known first: both nodes advertise it as their public URL.
    const balancer = await TcpSwitch.start(st, 1);
    const env = { HEARTH_DATABASE_URL: databaseUrl, HEARTH_RABBITMQ_URL: BROKER, HEARTH_RABBITMQ_EXCHANGE: exchange, HEARTH_PUBLIC_URL: balancer.url };
    const a = await startNodeProcess(st, { ...env });
    const b = await startNodeProcess(st, { ...env });
    balancer.switchTo(a.port);

    const owner = await a.api.register('killowner');
    const guild = await a.api.createGuild(owner.token, 'SIGKILL');
    const bot = await a.api.createBot(owner.token, guild.id, 'KillBot', '0');

    // A member session on B, which must carry on through A's death.
    const onB = await GatewayClient.connect(b.base);
    st.after(() => onB.close());
    await onB.identify(owner.token, (1 << 0) | (1 << 9) | (1 << 15));

    // The bot reaches the deployment through the balancer: its REST and gateway are node A now.
    const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent], rest: { api: `${balancer.url}/api` } });
    st.after(() => client.destroy());
    const ready = once(client, Events.ClientReady);
    await client.login(bot.token);
    await ready;

    // Load: WORKERS loops POST to A's REST until A stops answering; A is killed in the middle.
    const acknowledged: string[] = [];
    let failed = 0;
    let stop = false;
    const poster = async (w: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await a.api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: `load ${w}.${i}` } });
          if (res.status === 200) acknowledged.push((res.body as { id: string }).id);
          else failed++;
        } catch {
          failed++; // connection refused or reset: not acknowledged
          if (!a.cli.running) return;
        }
      }
    };
    const load = Promise.all([...Array(WORKERS).keys()].map(poster));
    while (acknowledged.length < 200) await new Promise((r) => setTimeout(r, 10));
    const reconnected = waitFor(client, Events.ShardReady, () => true, 60_000);
    balancer.switchTo(b.port);
    const killedAt = Date.now();
    a.cli.child.kill('SIGKILL');
    const exit = await a.cli.exited;
    assert.equal(exit.signal, 'SIGKILL');
    stop = true;
    await load;
    t.diagnostic(`acknowledged ${acknowledged.length} messages before the kill; ${failed} requests failed`);

    // Every acknowledged message is in the database, read through B.
    const stored = new Set<string>();
    let before: string | undefined;
    for (;;) {
      const page = await b.api.request<{ id: string }[]>('GET', `/channels/${guild.textChannelId}/messages?limit=100${before ? `&before=${before}` : ''}`, { token: owner.token });
      assert.equal(page.status, 200);
      for (const m of page.body) stored.add(m.id);
      if (page.body.length < 100) break;
      before = page.body.at(-1)!.id;
    }
    const lost = acknowledged.filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], `${lost.length} acknowledged messages are not in the database`);
    t.diagnostic(`stored ${stored.size} messages (acknowledged ${acknowledged.length})`);

    // ... and reached the session on B (A's publish was confirmed by the broker before its 200).
    const seen = () => new Set(onB.received.filter((p) => p.t === 'MESSAGE_CREATE').map((p) => p.d.id as string));
    const until = Date.now() + 10_000;
    while (acknowledged.some((id) => !seen().has(id)) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const undelivered = acknowledged.filter((id) => !seen().has(id));
    assert.deepEqual(undelivered, [], `${undelivered.length} acknowledged messages never reached the session on B`);

    // The bot: its resume at A's URL fails, it connects through the balancer to B and identifies again.
    await reconnected;
    t.diagnostic(`the bot was ready again on B ${Date.now() - killedAt} ms after the kill`);
    assert.ok(b.cli.running);
    const got = waitFor<[Message]>(client, Events.MessageCreate, (m) => m.content === 'after the kill', 15_000);
    assert.equal((await b.api.request('POST', `/channels/${guild.textChannelId}/messages`, { token: owner.token, body: { content: 'after the kill' } })).status, 200);
    const [message] = await got;
    assert.equal(message.channelId, guild.textChannelId);
    // Before the teardown stops B: a client left running would keep reconnecting.
    await client.destroy();
    await onB.close();
  });
});
