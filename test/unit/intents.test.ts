import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayIntentBits } from 'discord-api-types/v10';
import { wants } from '../../server/gateway/intents.js';

const bit = (...flags: GatewayIntentBits[]) => flags.reduce((a, b) => a | b, 0);

test('guild events need the guild intents; the same events without guild_id need the DM intents', () => {
  const guildMessages = bit(GatewayIntentBits.GuildMessages);
  const directMessages = bit(GatewayIntentBits.DirectMessages);
  assert.equal(wants(guildMessages, 'MESSAGE_CREATE', { id: '1', guild_id: '2' }), true);
  assert.equal(wants(guildMessages, 'MESSAGE_CREATE', { id: '1' }), false);
  assert.equal(wants(directMessages, 'MESSAGE_CREATE', { id: '1' }), true);
  assert.equal(wants(directMessages, 'MESSAGE_CREATE', { id: '1', guild_id: '2' }), false);
  assert.equal(wants(bit(GatewayIntentBits.GuildMessageReactions), 'MESSAGE_REACTION_ADD', { guild_id: '2' }), true);
  assert.equal(wants(bit(GatewayIntentBits.GuildMessageReactions), 'MESSAGE_REACTION_ADD', {}), false);
  assert.equal(wants(bit(GatewayIntentBits.DirectMessageReactions), 'MESSAGE_REACTION_ADD', {}), true);
  assert.equal(wants(bit(GatewayIntentBits.DirectMessageTyping), 'TYPING_START', { channel_id: '1' }), true);
  assert.equal(wants(bit(GatewayIntentBits.GuildInvites), 'INVITE_CREATE', { guild_id: '2' }), true);
  assert.equal(wants(0, 'INVITE_DELETE', { guild_id: '2' }), false);
  // A DM's CHANNEL_CREATE needs no intent; a guild channel's needs GUILDS.
  assert.equal(wants(0, 'CHANNEL_CREATE', { id: '1', type: 1 }), true);
  assert.equal(wants(0, 'CHANNEL_CREATE', { id: '1', type: 0, guild_id: '2' }), false);
  // Events without a DM form keep their guild intent whatever the payload (GUILD_DELETE has no guild_id).
  assert.equal(wants(0, 'GUILD_DELETE', { id: '2' }), false);
  // User sessions (no intents) get everything.
  assert.equal(wants(undefined, 'MESSAGE_CREATE', { id: '1' }), true);
});
