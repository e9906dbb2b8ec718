// The gateway's small parts on their own: replay buffer bounds, send limit windows, shard
// arithmetic, presence validation, the identify throttle and the MESSAGE_CONTENT rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seesContentAnyway, withoutContent, privilegedIntentsOf } from '../../server/core/message-content.js';
import { GatewayCloseError } from '../../server/gateway/close-error.js';
import { IdentifyThrottle } from '../../server/gateway/identify-throttle.js';
import { wants } from '../../server/gateway/intents.js';
import { parsePresence } from '../../server/gateway/presence.js';
import { ReplayBuffer } from '../../server/gateway/replay-buffer.js';
import { SendLimiter } from '../../server/gateway/send-limit.js';
import { inShard, parseShard, shardOfGuild } from '../../server/gateway/sharding.js';

const seqs = (frames: string[] | undefined) => frames?.map((f) => (JSON.parse(f) as { s: number }).s);

test('replay buffer: frames after seq; unresumable once something after seq was dropped by count or age', () => {
  const buf = new ReplayBuffer(3, 1000);
  for (let s = 1; s <= 5; s++) buf.push(s, 'MESSAGE_CREATE', `{"n":${s}}`, 0);
  assert.equal(buf.size, 3);
  assert.deepEqual(seqs(buf.framesAfter(2, 0)), [3, 4, 5], 'seq 3–5 kept: resuming from 2 works');
  assert.deepEqual(buf.framesAfter(4, 0), ['{"op":0,"t":"MESSAGE_CREATE","s":5,"d":{"n":5}}']);
  assert.deepEqual(buf.framesAfter(5, 0), [], 'nothing missed');
  assert.equal(buf.framesAfter(1, 0), undefined, 'seq 2 was dropped: cannot resume from 1');
  buf.push(6, 'TYPING_START', '{}', 900);
  assert.equal(buf.framesAfter(4, 1500), undefined, 'entries older than the window are gone');
  assert.deepEqual(seqs(buf.framesAfter(5, 1500)), [6]);
});

test('replay buffer: a skipped READY is never replayed and resuming from before it is refused', () => {
  const buf = new ReplayBuffer(10, 1000);
  buf.skip(1);
  buf.push(2, 'GUILD_CREATE', '{}', 0);
  assert.equal(buf.framesAfter(0, 0), undefined);
  assert.deepEqual(seqs(buf.framesAfter(1, 0)), [2]);
});

test('send limiter: limit per window, a new window starts afresh', () => {
  const limiter = new SendLimiter(3, 60_000);
  assert.deepEqual([limiter.take(0), limiter.take(1), limiter.take(2), limiter.take(3)], [true, true, true, false]);
  assert.equal(limiter.take(60_000), true);
});

test('sharding: (guild_id >> 22) % count; invalid shard arrays are null; DMs on shard 0', () => {
  const id = ((1234n << 22n) | 77n).toString();
  assert.equal(shardOfGuild(id, 5), 1234 % 5);
  assert.deepEqual(parseShard([1, 2]), [1, 2]);
  assert.equal(parseShard(undefined), undefined);
  for (const bad of [[2, 2], [0, 0], [1.5, 2], [0, 1, 2], 'x', {}]) assert.equal(parseShard(bad), null, JSON.stringify(bad));
  assert.equal(inShard([1234 % 5, 5], id), true);
  assert.equal(inShard([(1234 + 1) % 5, 5], id), false);
  assert.equal(inShard([0, 2], undefined), true);
  assert.equal(inShard([1, 2], undefined), false);
  assert.equal(inShard(undefined, id), true);
});

test('presence payloads: statuses and activities validated, 4002 otherwise', () => {
  const p = parsePresence({ status: 'idle', since: 5, afk: true, activities: [{ name: 'x', type: 2, url: null }] });
  assert.equal(p.status, 'idle');
  assert.equal(p.since, 5);
  assert.equal(p.afk, true);
  assert.equal((p.activities[0] as { name: string }).name, 'x');
  for (const bad of [null, { status: 'away' }, { status: 'online', activities: {} }, { status: 'online', activities: [{ type: 0 }] }, { status: 'online', activities: [{ name: 'x', type: 9 }] }, { status: 'online', afk: 'no' }]) {
    assert.throws(
      () => parsePresence(bad),
      (err: unknown) => err instanceof GatewayCloseError && err.code === 4002,
      JSON.stringify(bad),
    );
  }
});

test('identify throttle: one per bucket per interval; buckets by shard_id % max_concurrency', async () => {
  const throttle = new IdentifyThrottle(2, 60_000);
  const settled = async (p: Promise<void>) => {
    let done = false;
    void p.then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    return done;
  };
  try {
    assert.equal(await settled(throttle.turn('bot', 0)), true, 'the first IDENTIFY goes at once');
    assert.equal(await settled(throttle.turn('bot', 1)), true, 'shard 1 is in another bucket');
    assert.equal(await settled(throttle.turn('bot', 2)), false, 'shard 2 shares bucket 0 and waits');
    assert.equal(await settled(throttle.turn('other-bot', 0)), true, 'buckets are per bot');
  } finally {
    throttle.close();
  }
});

test('MESSAGE_CONTENT: own messages, DMs and mentions keep their content; stripping empties the content fields', () => {
  const msg = { guild_id: '1', author: { id: 'a' }, mentions: [{ id: 'm' }], content: 'hi', embeds: [{}], attachments: [{}], components: [{}], poll: {} };
  assert.equal(seesContentAnyway('a', msg), true);
  assert.equal(seesContentAnyway('m', msg), true);
  assert.equal(seesContentAnyway('x', msg), false);
  assert.equal(seesContentAnyway('x', { ...msg, guild_id: undefined }), true);
  const stripped = withoutContent(msg) as Record<string, unknown>;
  assert.deepEqual([stripped.content, stripped.embeds, stripped.attachments, stripped.components, 'poll' in stripped], ['', [], [], [], false]);
  assert.equal(msg.content, 'hi', 'the shared payload is not changed');
  assert.equal(privilegedIntentsOf(0), 0);
  assert.equal(privilegedIntentsOf(1 << 19), 1 << 15);
  assert.equal(privilegedIntentsOf((1 << 12) | (1 << 15)), (1 << 8) | (1 << 1));
});

test('intents: presence, voice, poll and integration events need their intents', () => {
  assert.equal(wants(1, 'PRESENCE_UPDATE', { guild_id: '1' }), false);
  assert.equal(wants(1 << 8, 'PRESENCE_UPDATE', { guild_id: '1' }), true);
  assert.equal(wants(1, 'VOICE_STATE_UPDATE', { guild_id: '1' }), false);
  assert.equal(wants(1 << 24, 'MESSAGE_POLL_VOTE_ADD', { guild_id: '1' }), true);
  assert.equal(wants(1 << 24, 'MESSAGE_POLL_VOTE_ADD', {}), false, 'DM poll votes need DIRECT_MESSAGE_POLLS');
  assert.equal(wants(1 << 4, 'INTEGRATION_CREATE', { guild_id: '1' }), true);
  assert.equal(wants(undefined, 'PRESENCE_UPDATE', {}), true, 'user sessions get everything');
});
