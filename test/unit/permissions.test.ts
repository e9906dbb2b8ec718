// Discord's permission computation (contract §2 "Permissions"): base permissions, then channel
// overwrites in the order @everyone → member's roles → member, then implicit denials.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChannelType, OverwriteType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import {
  ALL_PERMISSIONS,
  applyImplicitDenials,
  canActOn,
  canManageRole,
  compareRolePositions,
  computeBasePermissions,
  computeChannelPermissions,
  computeExplicitChannelPermissions,
  computeRolePermissions,
  CONNECT_DEPENDENT_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  has,
  highestRole,
  isTimedOut,
  type Overwrite,
  type PermissionSubject,
  SEND_DEPENDENT_PERMISSIONS,
} from '../../server/core/permissions.js';

const GUILD = '100000000000000000';
const OWNER = '200000000000000000';
const USER = '300000000000000000';
const OTHER_USER = '300000000000000001';
const MOD = '400000000000000000';
const HELPER = '400000000000000001';
const ADMIN = '400000000000000002';
const UNHELD = '400000000000000003';

const BASIC = P.ViewChannel | P.SendMessages | P.ReadMessageHistory;

function subject(memberRoleIds: string[], extra: Partial<PermissionSubject> = {}): PermissionSubject {
  return {
    guildId: GUILD,
    ownerId: OWNER,
    userId: USER,
    memberRoleIds,
    roles: [
      { id: GUILD, permissions: BASIC },
      { id: MOD, permissions: P.ManageMessages | P.KickMembers },
      { id: HELPER, permissions: P.AddReactions },
      { id: ADMIN, permissions: P.Administrator },
      { id: UNHELD, permissions: P.BanMembers },
    ],
    ...extra,
  };
}

const role = (id: string, allow = 0n, deny = 0n): Overwrite => ({ id, type: OverwriteType.Role, allow, deny });
const member = (id: string, allow = 0n, deny = 0n): Overwrite => ({ id, type: OverwriteType.Member, allow, deny });

test('ALL_PERMISSIONS holds every defined bit; @everyone’s default can read and write', () => {
  for (const [name, bit] of Object.entries(P)) assert.ok(has(ALL_PERMISSIONS, bit), name);
  assert.ok(has(DEFAULT_EVERYONE_PERMISSIONS, BASIC));
  assert.equal(has(DEFAULT_EVERYONE_PERMISSIONS, P.Administrator), false);
  assert.equal(has(DEFAULT_EVERYONE_PERMISSIONS, P.ManageGuild), false);
});

test('base permissions are @everyone | the member’s roles, never roles they do not hold', () => {
  assert.equal(computeBasePermissions(subject([])), BASIC);
  assert.equal(computeBasePermissions(subject([MOD, HELPER])), BASIC | P.ManageMessages | P.KickMembers | P.AddReactions);
  assert.equal(has(computeBasePermissions(subject([MOD])), P.BanMembers), false);
});

test('the owner gets every permission, with no roles and through any overwrite', () => {
  const owner = subject([], { userId: OWNER, roles: [{ id: GUILD, permissions: 0n }] });
  assert.equal(computeBasePermissions(owner), ALL_PERMISSIONS);
  const denyAll = [role(GUILD, 0n, ALL_PERMISSIONS), member(OWNER, 0n, ALL_PERMISSIONS)];
  assert.equal(computeChannelPermissions(owner, denyAll), ALL_PERMISSIONS);
});

test('ADMINISTRATOR gets every permission and ignores overwrites', () => {
  assert.equal(computeBasePermissions(subject([ADMIN])), ALL_PERMISSIONS);
  const denyAll = [role(GUILD, 0n, ALL_PERMISSIONS), role(ADMIN, 0n, ALL_PERMISSIONS), member(USER, 0n, ALL_PERMISSIONS)];
  assert.equal(computeChannelPermissions(subject([ADMIN]), denyAll), ALL_PERMISSIONS);
  // ADMINISTRATOR granted by an overwrite is not administrator: it only sets a bit.
  const viaOverwrite = computeChannelPermissions(subject([]), [member(USER, P.Administrator)]);
  assert.ok(has(viaOverwrite, P.Administrator));
  assert.equal(has(viaOverwrite, P.BanMembers), false);
});

test('without overwrites a channel has the base permissions', () => {
  assert.equal(computeChannelPermissions(subject([HELPER]), []), BASIC | P.AddReactions);
});

test('@everyone overwrite first: its deny, then its allow', () => {
  const denied = computeChannelPermissions(subject([]), [role(GUILD, 0n, P.SendMessages)]);
  assert.equal(denied, P.ViewChannel | P.ReadMessageHistory);
  const both = computeChannelPermissions(subject([]), [role(GUILD, P.SendMessages, P.SendMessages)]);
  assert.ok(has(both, P.SendMessages), 'allow is applied after deny within one overwrite');
  assert.ok(has(computeChannelPermissions(subject([]), [role(GUILD, P.AttachFiles)]), P.AttachFiles));
});

test('role overwrites come after @everyone: a role allow beats an @everyone deny, and the reverse', () => {
  const everyoneDenies = [role(GUILD, 0n, P.SendMessages), role(MOD, P.SendMessages)];
  assert.ok(has(computeChannelPermissions(subject([MOD]), everyoneDenies), P.SendMessages));
  assert.equal(has(computeChannelPermissions(subject([]), everyoneDenies), P.SendMessages), false, 'not for members without the role');
  const everyoneAllows = [role(GUILD, P.EmbedLinks), role(MOD, 0n, P.EmbedLinks)];
  assert.equal(has(computeChannelPermissions(subject([MOD]), everyoneAllows), P.EmbedLinks), false);
});

test('role overwrites are united: any role allow wins over another role’s deny', () => {
  const overwrites = [role(MOD, 0n, P.SendMessages), role(HELPER, P.SendMessages)];
  assert.ok(has(computeChannelPermissions(subject([MOD, HELPER]), overwrites), P.SendMessages));
  assert.equal(has(computeChannelPermissions(subject([MOD]), overwrites), P.SendMessages), false);
  assert.ok(has(computeChannelPermissions(subject([MOD]), [role(UNHELD, 0n, P.SendMessages)]), P.SendMessages), 'unheld roles’ overwrites are ignored');
});

test('the member overwrite beats role overwrites', () => {
  const roleAllows = [role(MOD, P.AttachFiles), member(USER, 0n, P.AttachFiles)];
  assert.equal(has(computeChannelPermissions(subject([MOD]), roleAllows), P.AttachFiles), false);
  const roleDenies = [role(GUILD, 0n, P.SendMessages), role(MOD, 0n, P.SendMessages), member(USER, P.SendMessages)];
  assert.ok(has(computeChannelPermissions(subject([MOD]), roleDenies), P.SendMessages));
  assert.equal(has(computeChannelPermissions(subject([MOD]), [member(OTHER_USER, 0n, P.SendMessages)]), P.SendMessages), true, 'another member’s overwrite is ignored');
  assert.equal(has(computeChannelPermissions(subject([MOD]), [role(USER, 0n, P.SendMessages)]), P.SendMessages), true, 'a role overwrite with the user’s id is not a member overwrite');
});

test('no VIEW_CHANNEL in the channel → no permissions at all', () => {
  assert.equal(computeChannelPermissions(subject([MOD]), [role(GUILD, P.SendMessages | P.AttachFiles, P.ViewChannel)]), 0n);
  assert.equal(computeChannelPermissions(subject([MOD]), [member(USER, P.ManageMessages, P.ViewChannel)]), 0n);
  const noView = subject([], { roles: [{ id: GUILD, permissions: P.SendMessages }] });
  assert.equal(computeChannelPermissions(noView, []), 0n);
  assert.equal(computeChannelPermissions(noView, [member(USER, P.ViewChannel)]), P.ViewChannel | P.SendMessages, 'an overwrite can grant the view back');
});

test('has() needs every bit of the flag', () => {
  assert.ok(has(BASIC, P.ViewChannel | P.SendMessages));
  assert.equal(has(P.ViewChannel, P.ViewChannel | P.SendMessages), false);
  assert.ok(has(0n, 0n));
});

// ---- Implicit denials ([docs] "Implicit Permissions"): applyImplicitDenials(perms, channelType) ----

const SEND_DEPENDENT = P.MentionEveryone | P.SendTTSMessages | P.AttachFiles | P.EmbedLinks;
const VOICE = P.Speak | P.MuteMembers | P.DeafenMembers | P.MoveMembers | P.UseVAD | P.PrioritySpeaker | P.Stream | P.UseSoundboard;

test('implicit: no VIEW_CHANNEL → nothing, in every kind of channel', () => {
  for (const type of [ChannelType.GuildText, ChannelType.GuildVoice, ChannelType.GuildCategory, ChannelType.PublicThread, ChannelType.GuildStageVoice]) {
    assert.equal(applyImplicitDenials(ALL_PERMISSIONS & ~P.ViewChannel, type), 0n, `type ${type}`);
  }
  assert.equal(applyImplicitDenials(0n, ChannelType.GuildText), 0n);
});

test('implicit: no SEND_MESSAGES in a text channel → no @everyone, TTS, attachments or embeds; the rest stays', () => {
  assert.equal(SEND_DEPENDENT_PERMISSIONS, SEND_DEPENDENT);
  const perms = P.ViewChannel | P.ReadMessageHistory | P.AddReactions | SEND_DEPENDENT;
  for (const type of [ChannelType.GuildText, ChannelType.GuildAnnouncement, ChannelType.GuildForum, ChannelType.GuildVoice]) {
    assert.equal(applyImplicitDenials(perms, type), P.ViewChannel | P.ReadMessageHistory | P.AddReactions, `type ${type}`);
    assert.equal(applyImplicitDenials(perms | P.SendMessages, type), perms | P.SendMessages, `type ${type} with SEND_MESSAGES`);
  }
  // Categories have no messages: nothing to take away.
  assert.equal(applyImplicitDenials(perms, ChannelType.GuildCategory), perms);
});

test('implicit: in threads SEND_MESSAGES_IN_THREADS, not SEND_MESSAGES, gates the message extras', () => {
  const perms = P.ViewChannel | P.SendMessages | SEND_DEPENDENT;
  assert.equal(applyImplicitDenials(perms, ChannelType.PublicThread), P.ViewChannel | P.SendMessages);
  assert.equal(applyImplicitDenials(P.ViewChannel | P.SendMessagesInThreads | SEND_DEPENDENT, ChannelType.PrivateThread), P.ViewChannel | P.SendMessagesInThreads | SEND_DEPENDENT);
});

test('implicit: no CONNECT in a voice or stage channel → no voice permissions (nor MANAGE_CHANNELS)', () => {
  assert.ok(has(CONNECT_DEPENDENT_PERMISSIONS, VOICE | P.ManageChannels));
  const perms = P.ViewChannel | P.SendMessages | P.ReadMessageHistory | VOICE | P.ManageChannels | P.RequestToSpeak;
  assert.equal(applyImplicitDenials(perms, ChannelType.GuildVoice), P.ViewChannel | P.SendMessages | P.ReadMessageHistory);
  assert.equal(applyImplicitDenials(perms, ChannelType.GuildStageVoice), P.ViewChannel | P.SendMessages | P.ReadMessageHistory);
  assert.equal(applyImplicitDenials(perms | P.Connect, ChannelType.GuildVoice), perms | P.Connect, 'with CONNECT nothing is taken');
  assert.equal(applyImplicitDenials(perms, ChannelType.GuildText), perms, 'CONNECT does not matter in a text channel');
  // Both rules at once in a voice channel's text chat.
  assert.equal(applyImplicitDenials(P.ViewChannel | P.Connect | P.Speak | P.AttachFiles, ChannelType.GuildVoice), P.ViewChannel | P.Connect | P.Speak);
});

test('implicit: owners and administrators (every bit) lose nothing; computeChannelPermissions leaves SEND/CONNECT rules to applyImplicitDenials', () => {
  for (const type of [ChannelType.GuildText, ChannelType.GuildVoice, ChannelType.PublicThread]) assert.equal(applyImplicitDenials(ALL_PERMISSIONS, type), ALL_PERMISSIONS);
  const perms = computeChannelPermissions(subject([]), [role(GUILD, P.AttachFiles, P.SendMessages)]);
  assert.equal(perms, P.ViewChannel | P.ReadMessageHistory | P.AttachFiles, 'as discord.js permissionsFor, plus the VIEW_CHANNEL rule');
  assert.equal(applyImplicitDenials(perms, ChannelType.GuildText), P.ViewChannel | P.ReadMessageHistory);
});

test('explicit channel permissions are discord.js’s permissionsFor: no VIEW_CHANNEL rule', () => {
  const overwrites = [role(GUILD, P.SendMessages, P.ViewChannel)];
  assert.equal(computeExplicitChannelPermissions(subject([]), overwrites), P.SendMessages | P.ReadMessageHistory);
  assert.equal(computeChannelPermissions(subject([]), overwrites), 0n);
  assert.equal(computeRolePermissions(subject([ADMIN])), BASIC | P.Administrator, 'GuildMember#permissions keeps ADMINISTRATOR as a bit');
  assert.equal(computeBasePermissions(subject([ADMIN])), ALL_PERMISSIONS);
});

// ---- Timed-out members ([docs] "Permissions for Timed Out Members") ----

const NOW = Date.parse('2025-06-01T12:00:00Z');
const LATER = new Date(NOW + 60_000);
const EARLIER = new Date(NOW - 60_000);

test('timeout: only VIEW_CHANNEL and READ_MESSAGE_HISTORY remain while it runs', () => {
  const timedOut = subject([MOD, HELPER], { communicationDisabledUntil: LATER, now: NOW });
  assert.equal(isTimedOut(timedOut), true);
  assert.equal(computeBasePermissions(timedOut), P.ViewChannel | P.ReadMessageHistory);
  assert.equal(computeChannelPermissions(timedOut, [role(MOD, P.SendMessages | P.AttachFiles), member(USER, P.ManageMessages)]), P.ViewChannel | P.ReadMessageHistory);
  // Overwrites still decide whether they see the channel at all, and an overwrite cannot lift the timeout.
  assert.equal(computeChannelPermissions(timedOut, [role(GUILD, 0n, P.ViewChannel)]), 0n);
  assert.equal(computeChannelPermissions(timedOut, [role(GUILD, 0n, P.ReadMessageHistory)]), P.ViewChannel);
  // discord.js's permissionsFor ignores the timeout; the explicit computation does too.
  assert.ok(has(computeExplicitChannelPermissions(timedOut, [role(MOD, P.SendMessages)]), P.SendMessages));
});

test('timeout: expired, absent or ending exactly now is no timeout', () => {
  for (const until of [EARLIER, null, undefined, new Date(NOW)]) {
    const s = subject([MOD], { communicationDisabledUntil: until, now: NOW });
    assert.equal(isTimedOut(s), false, String(until));
    assert.equal(computeBasePermissions(s), BASIC | P.ManageMessages | P.KickMembers);
  }
  // Without `now`, the clock decides.
  assert.equal(isTimedOut({ communicationDisabledUntil: new Date(Date.now() + 3_600_000) }), true);
  assert.equal(isTimedOut({ communicationDisabledUntil: new Date(Date.now() - 3_600_000) }), false);
});

test('timeout: the owner and administrators are not affected', () => {
  const owner = subject([], { userId: OWNER, communicationDisabledUntil: LATER, now: NOW });
  assert.equal(computeBasePermissions(owner), ALL_PERMISSIONS);
  assert.equal(computeChannelPermissions(owner, [member(OWNER, 0n, ALL_PERMISSIONS)]), ALL_PERMISSIONS);
  const admin = subject([ADMIN], { communicationDisabledUntil: LATER, now: NOW });
  assert.equal(computeBasePermissions(admin), ALL_PERMISSIONS);
  assert.equal(computeChannelPermissions(admin, []), ALL_PERMISSIONS);
  // ADMINISTRATOR granted by a channel overwrite is only a bit: it does not exempt from the timeout.
  const viaOverwrite = subject([], { communicationDisabledUntil: LATER, now: NOW });
  assert.equal(computeChannelPermissions(viaOverwrite, [member(USER, P.Administrator)]), P.ViewChannel | P.ReadMessageHistory);
});

// ---- Role hierarchy ([docs] "Permission Hierarchy") ----

test('hierarchy: nobody acts on the owner, the owner acts on everyone else, others need a strictly higher role', () => {
  const pos = (actorHighestPosition: number, targetHighestPosition: number, actorIsOwner = false, targetIsOwner = false) =>
    canActOn({ actorIsOwner, actorHighestPosition, targetIsOwner, targetHighestPosition });
  assert.equal(pos(5, 3), true);
  assert.equal(pos(3, 3), false, 'equal positions: no');
  assert.equal(pos(2, 3), false);
  assert.equal(pos(0, 9, true), true, 'the owner, even with no roles');
  assert.equal(pos(9, 0, false, true), false, 'not on the owner, whatever the roles');
  assert.equal(pos(9, 9, true, true), false, 'not even the owner on themselves as owner');
});

test('hierarchy: equal positions are ordered by id, the lower id being higher', () => {
  const low = { position: 2, id: '500000000000000001' };
  const high = { position: 2, id: '500000000000000000' };
  assert.ok(compareRolePositions(high, low) > 0);
  assert.ok(compareRolePositions(low, high) < 0);
  assert.equal(compareRolePositions(low, low), 0);
  assert.ok(compareRolePositions({ position: 3, id: '9' }, { position: 2, id: '1' }) > 0, 'position first');
  // Ids compare as numbers, not strings.
  assert.ok(compareRolePositions({ position: 1, id: '99999999999999999' }, { position: 1, id: '100000000000000000' }) > 0);
  assert.equal(canActOn({ actorIsOwner: false, actorHighestPosition: high, targetIsOwner: false, targetHighestPosition: low }), true);
  assert.equal(canActOn({ actorIsOwner: false, actorHighestPosition: low, targetIsOwner: false, targetHighestPosition: high }), false);
  assert.equal(canActOn({ actorIsOwner: false, actorHighestPosition: low, targetIsOwner: false, targetHighestPosition: low }), false, 'same highest role');
  assert.equal(highestRole([low, { position: 0, id: GUILD }, high])?.id, high.id);
  assert.equal(highestRole([]), undefined);
});

test('hierarchy: a role can be managed only from strictly above it, or by the owner', () => {
  assert.equal(canManageRole(5, 4, false), true);
  assert.equal(canManageRole(4, 4, false), false);
  assert.equal(canManageRole(3, 4), false);
  assert.equal(canManageRole(0, 9, true), true);
  assert.equal(canManageRole({ position: 4, id: '10' }, { position: 4, id: '11' }), true);
  assert.equal(canManageRole({ position: 4, id: '11' }, { position: 4, id: '10' }), false);
});
