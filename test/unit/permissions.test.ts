// Discord's permission computation (contract §2 "Permissions"): base permissions, then channel
// overwrites in the order @everyone → member's roles → member, then implicit denials.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OverwriteType, PermissionFlagsBits as P } from 'discord-api-types/v10';
import {
  ALL_PERMISSIONS,
  computeBasePermissions,
  computeChannelPermissions,
  DEFAULT_EVERYONE_PERMISSIONS,
  has,
  type Overwrite,
  type PermissionSubject,
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
