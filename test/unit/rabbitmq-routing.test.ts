import assert from 'node:assert/strict';
import { test } from 'node:test';
import { amqpKeysFor, isBroadcast, RecentIds } from '../../server/events/rabbitmq-routing.js';

test('RabbitMQ routing: high-volume dispatches per key, everything that changes caches to every node', () => {
  const message = { kind: 'dispatch', t: 'MESSAGE_CREATE', d: {}, keys: ['guild:1', 'user:2', 'guild:1'] } as const;
  assert.equal(isBroadcast({ ...message, keys: [...message.keys] }), false);
  assert.deepEqual(amqpKeysFor({ ...message, keys: [...message.keys] }), ['guild.1', 'user.2']);
  assert.deepEqual(amqpKeysFor({ kind: 'dispatch', t: 'GUILD_MEMBER_UPDATE', d: {}, keys: ['guild:1'] }), ['all']);
  assert.deepEqual(amqpKeysFor({ kind: 'user-invalidate', userId: '2', keys: ['user:2'] }), ['all']);
  assert.deepEqual(amqpKeysFor({ kind: 'guild-join', guildId: '1', userId: '2', keys: ['user:2'] }), ['all']);
});

test('RecentIds: an id is new once, and the oldest is forgotten past the bound', () => {
  const ids = new RecentIds(2);
  assert.equal(ids.first('a'), true);
  assert.equal(ids.first('a'), false);
  assert.equal(ids.first('b'), true);
  assert.equal(ids.first('c'), true);
  assert.equal(ids.first('a'), true, 'a was the oldest and is forgotten');
  assert.equal(ids.first('c'), false);
});
