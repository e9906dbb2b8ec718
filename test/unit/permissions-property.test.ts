// Property test: our permission engine against discord.js 14's own computation on the same random guilds
// (contract §2 "Permissions"). Each guild is handed to a never-logged-in discord.js Client the way a GUILD_CREATE
// payload would be (`client.guilds._add(raw)`), then we compare, for every member:
//   - guild level:   `member.permissions.bitfield`            vs computeRolePermissions (exact),
//                    and computeBasePermissions vs Discord's rules on top of discord.js (ADMINISTRATOR → all, timeout);
//   - channel level: `channel.permissionsFor(member).bitfield` vs computeExplicitChannelPermissions (exact),
//                    and computeChannelPermissions vs discord.js + the rules it does not apply (timeout, no VIEW_CHANNEL → 0);
//   - hierarchy:     `member.manageable/kickable/bannable/moderatable`, `role.editable`, `roles.highest`,
//                    `roles.comparePositions` vs canActOn/canManageRole/highestRole/compareRolePositions
//                    (with each member in turn as the client user).
// Seeded: the seed is printed as a diagnostic; `PERM_SEED=<n> node scripts/run-tests.mjs permissions-property` replays a run.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { test } from 'node:test';
import { ChannelType, Client, ClientUser, type Guild, type GuildMember, OverwriteType, PermissionFlagsBits as P, PermissionsBitField } from 'discord.js';
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
  has,
  highestRole,
  type Overwrite,
  type PermissionSubject,
  TIMED_OUT_PERMISSIONS,
} from '../../server/core/permissions.js';

const GUILDS = 1200;

/** mulberry32: small, fast, good enough to spread bits; state is one 32-bit integer. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const chance = (p: number): boolean => next() < p;
  /** Each defined permission bit with probability p (ADMINISTRATOR handled by the caller). */
  const bits = (p: number): bigint => {
    let out = 0n;
    for (const bit of Object.values(P)) if (bit !== P.Administrator && chance(p)) out |= bit;
    return out;
  };
  return { next, int, chance, bits };
}
type Rng = ReturnType<typeof rng>;

/** A 17–19 digit snowflake-looking id (< 2^63), unique within `used`. */
function snowflake(r: Rng, used: Set<string>): string {
  for (;;) {
    const digits = r.int(17, 19);
    let id = String(r.int(1, 8));
    while (id.length < digits) id += String(r.int(0, 9));
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

interface RawRole {
  id: string;
  name: string;
  color: number;
  hoist: boolean;
  position: number;
  permissions: string;
  managed: boolean;
  mentionable: boolean;
  flags: number;
}
interface RawOverwrite {
  id: string;
  type: OverwriteType;
  allow: string;
  deny: string;
}
interface RawChannel {
  id: string;
  type: ChannelType.GuildText | ChannelType.GuildVoice;
  guild_id: string;
  name: string;
  position: number;
  permission_overwrites: RawOverwrite[];
  parent_id: null;
  nsfw: boolean;
  [key: string]: unknown;
}
interface RawMember {
  user: { id: string; username: string; discriminator: string; global_name: null; avatar: null; bot: boolean };
  nick: null;
  roles: string[];
  joined_at: string;
  deaf: boolean;
  mute: boolean;
  flags: number;
  avatar: null;
  communication_disabled_until: string | null;
}
interface RawGuild {
  id: string;
  owner_id: string;
  roles: RawRole[];
  channels: RawChannel[];
  members: RawMember[];
  [key: string]: unknown;
}

const HOUR = 3_600_000;

/** A random guild: owner, 1–8 roles (sometimes ADMINISTRATOR, tied positions), 2–4 members, 1–4 text/voice channels. */
function randomGuild(r: Rng, now: number): RawGuild {
  const used = new Set<string>();
  const guildId = snowflake(r, used);
  const roleCount = r.int(1, 8);
  const roles: RawRole[] = [
    { id: guildId, name: '@everyone', color: 0, hoist: false, position: 0, permissions: String(r.bits(r.next() * 0.5)), managed: false, mentionable: false, flags: 0 },
  ];
  for (let i = 0; i < roleCount; i++) {
    let perms = r.bits(r.next() * 0.4);
    if (r.chance(0.08)) perms |= P.Administrator;
    // Positions collide often (ties are broken by id) and now and then sit at 0 with @everyone.
    const position = r.chance(0.05) ? 0 : r.int(1, Math.max(1, roleCount - 2));
    roles.push({ id: snowflake(r, used), name: `r${i}`, color: 0, hoist: false, position, permissions: String(perms), managed: false, mentionable: false, flags: 0 });
  }
  const memberCount = r.int(2, 4);
  const members: RawMember[] = [];
  for (let i = 0; i < memberCount; i++) {
    const held = roles.slice(1).filter(() => r.chance(0.4)).map((role) => role.id);
    const timeout = r.next();
    const until = timeout < 0.2 ? new Date(now + r.int(1, 24 * 28) * HOUR).toISOString() : timeout < 0.3 ? new Date(now - r.int(1, 24 * 28) * HOUR).toISOString() : null;
    members.push({
      user: { id: snowflake(r, used), username: `u${i}`, discriminator: '0', global_name: null, avatar: null, bot: false },
      nick: null,
      roles: held,
      joined_at: new Date(now - 86_400_000).toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
      avatar: null,
      communication_disabled_until: until,
    });
  }
  // The owner is one of the members (they too may hold roles or carry a timeout).
  const ownerId = members[r.int(0, members.length - 1)]!.user.id;
  const channels: RawChannel[] = [];
  const channelCount = r.int(1, 4);
  for (let i = 0; i < channelCount; i++) {
    const overwrites: RawOverwrite[] = [];
    const ow = (id: string, type: OverwriteType) => {
      const allow = r.bits(r.next() * 0.3) | (r.chance(0.05) ? P.Administrator : 0n);
      const deny = r.bits(r.next() * 0.3);
      overwrites.push({ id, type, allow: String(allow), deny: String(deny) });
    };
    if (r.chance(0.6)) ow(guildId, OverwriteType.Role);
    for (const role of roles.slice(1)) if (r.chance(0.35)) ow(role.id, OverwriteType.Role);
    for (const m of members) if (r.chance(0.25)) ow(m.user.id, OverwriteType.Member);
    // Discord keeps overwrites in no particular order.
    overwrites.sort(() => r.next() - 0.5);
    const voice = r.chance(0.5);
    const base = { id: snowflake(r, used), guild_id: guildId, name: `c${i}`, position: i, permission_overwrites: overwrites, parent_id: null, nsfw: false };
    channels.push(
      voice
        ? { ...base, type: ChannelType.GuildVoice, bitrate: 64000, user_limit: 0, rtc_region: null, rate_limit_per_user: 0, last_message_id: null }
        : { ...base, type: ChannelType.GuildText, topic: null, rate_limit_per_user: 0, last_message_id: null },
    );
  }
  return {
    id: guildId,
    name: 'property',
    icon: null,
    owner_id: ownerId,
    features: [],
    roles,
    channels,
    members,
    voice_states: [],
    presences: [],
    threads: [],
    emojis: [],
    stickers: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    member_count: members.length,
    large: false,
    joined_at: new Date(now).toISOString(),
    unavailable: false,
    afk_channel_id: null,
    afk_timeout: 300,
    system_channel_id: null,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    premium_tier: 0,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    shardId: 0,
  };
}

function subjectOf(g: RawGuild, m: RawMember, now: number, timeout = true): PermissionSubject {
  return {
    guildId: g.id,
    ownerId: g.owner_id,
    userId: m.user.id,
    memberRoleIds: m.roles,
    roles: g.roles.map((role) => ({ id: role.id, permissions: BigInt(role.permissions) })),
    communicationDisabledUntil: timeout && m.communication_disabled_until ? new Date(m.communication_disabled_until) : null,
    now,
  };
}

const toOverwrite = (o: RawOverwrite): Overwrite => ({ id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) });

/** The member's highest role on our side: @everyone plus the roles they hold, by (position, lower id first). */
function highestOf(g: RawGuild, m: RawMember): RawRole {
  const held = new Set(m.roles);
  return highestRole(g.roles.filter((role) => role.id === g.id || held.has(role.id)))!;
}

/** Discord's rules discord.js does not apply, laid over a discord.js result: ADMINISTRATOR/owner → all, timeout. */
function discordRules(djs: bigint, member: GuildMember, isChannel: boolean): bigint {
  const allPowerful = member.id === member.guild.ownerId || member.permissions.has(P.Administrator);
  if (allPowerful) return PermissionsBitField.All;
  let perms = djs;
  if (member.isCommunicationDisabled()) perms &= TIMED_OUT_PERMISSIONS;
  if (isChannel && (perms & P.ViewChannel) === 0n) perms = 0n;
  return perms;
}

/** Makes `userId` the client user, as READY would (`new ClientUser(client, data.user)`). */
function becomeUser(client: Client, raw: RawMember['user']): void {
  const ClientUserCtor = ClientUser as unknown as new (client: Client, data: RawMember['user']) => ClientUser;
  client.user = new ClientUserCtor(client, raw);
}

test('our permission engine equals discord.js 14 on random guilds (guild, channel and hierarchy levels)', async (t) => {
  const seed = process.env.PERM_SEED !== undefined ? Number(process.env.PERM_SEED) : randomInt(0, 2 ** 31);
  assert.ok(Number.isInteger(seed), 'PERM_SEED must be an integer');
  t.diagnostic(`seed ${seed} (replay: PERM_SEED=${seed} node scripts/run-tests.mjs permissions-property)`);
  const r = rng(seed);
  const client = new Client({ intents: [] });
  t.after(() => client.destroy());
  assert.equal(PermissionsBitField.All, ALL_PERMISSIONS, 'discord.js and our engine know the same permission bits');

  const counts = { guilds: 0, guildLevel: 0, channelLevel: 0, hierarchy: 0, roleEdit: 0, rolePairs: 0, timedOut: 0, owners: 0, admins: 0 };
  for (let n = 0; n < GUILDS; n++) {
    const now = Date.now();
    const raw = randomGuild(r, now);
    const where = `seed ${seed}, guild #${n}`;
    const guild = (client.guilds as unknown as { _add(data: unknown): Guild })._add(structuredClone(raw));
    assert.equal(guild.available, true, where);
    assert.equal(guild.channels.cache.size, raw.channels.length, where);
    assert.equal(guild.members.cache.size, raw.members.length, where);
    counts.guilds++;

    for (const m of raw.members) {
      const member = guild.members.cache.get(m.user.id)!;
      const s = subjectOf(raw, m, now);
      const who = `${where}, member ${m.user.id}`;
      if (member.isCommunicationDisabled()) counts.timedOut++;
      if (m.user.id === raw.owner_id) counts.owners++;
      else if (member.permissions.has(P.Administrator)) counts.admins++;

      // Guild level.
      assert.equal(computeRolePermissions(s), member.permissions.bitfield, `${who}: GuildMember#permissions`);
      assert.equal(computeBasePermissions(s), discordRules(member.permissions.bitfield, member, false), `${who}: base permissions`);
      counts.guildLevel++;

      // Channel level.
      for (const c of raw.channels) {
        const channel = guild.channels.cache.get(c.id)!;
        assert.ok('permissionsFor' in channel, who);
        const djs = channel.permissionsFor(member).bitfield;
        const overwrites = c.permission_overwrites.map(toOverwrite);
        const at = `${who}, channel ${c.id} (type ${c.type})`;
        assert.equal(computeExplicitChannelPermissions(s, overwrites), djs, `${at}: permissionsFor`);
        const ours = computeChannelPermissions(s, overwrites);
        assert.equal(ours, discordRules(djs, member, true), `${at}: channel permissions`);
        // The remaining implicit rules only take bits away, and applying them twice changes nothing.
        const implicit = applyImplicitDenials(ours, c.type);
        assert.equal(implicit & ~ours, 0n, at);
        assert.equal(applyImplicitDenials(implicit, c.type), implicit, at);
        counts.channelLevel++;
      }

      // Highest role and role order.
      assert.equal(highestOf(raw, m).id, member.roles.highest.id, `${who}: roles.highest`);
    }
    for (const a of raw.roles) {
      for (const b of raw.roles) {
        assert.equal(Math.sign(compareRolePositions(a, b)), Math.sign(guild.roles.comparePositions(a.id, b.id)), `${where}: roles ${a.id} vs ${b.id}`);
        counts.rolePairs++;
      }
    }

    // Hierarchy, with each member in turn as the client user (the actor).
    for (const actorRaw of raw.members) {
      becomeUser(client, actorRaw.user);
      const me = guild.members.me!;
      assert.equal(me.id, actorRaw.user.id, where);
      const actorIsOwner = actorRaw.user.id === raw.owner_id;
      const actorHighest = highestOf(raw, actorRaw);
      // discord.js checks the actor's guild permissions without the timeout: compare with the same.
      const actorBase = computeBasePermissions(subjectOf(raw, actorRaw, now, false));
      for (const targetRaw of raw.members) {
        const target = guild.members.cache.get(targetRaw.user.id)!;
        const at = `${where}, actor ${actorRaw.user.id} → target ${targetRaw.user.id}`;
        const hierarchy = canActOn({
          actorIsOwner,
          actorHighestPosition: actorHighest,
          targetIsOwner: targetRaw.user.id === raw.owner_id,
          targetHighestPosition: highestOf(raw, targetRaw),
        });
        assert.equal(hierarchy, target.manageable, `${at}: manageable`);
        assert.equal(hierarchy && has(actorBase, P.KickMembers), target.kickable, `${at}: kickable`);
        assert.equal(hierarchy && has(actorBase, P.BanMembers), target.bannable, `${at}: bannable`);
        const targetIsAdmin = has(computeRolePermissions(subjectOf(raw, targetRaw, now)), P.Administrator);
        assert.equal(!targetIsAdmin && hierarchy && has(actorBase, P.ModerateMembers), target.moderatable, `${at}: moderatable`);
        counts.hierarchy++;
      }
      for (const roleRaw of raw.roles) {
        const role = guild.roles.cache.get(roleRaw.id)!;
        const at = `${where}, actor ${actorRaw.user.id} → role ${roleRaw.id}`;
        // Role#editable applies the position rule even to the owner (Discord lets the owner edit every role):
        // for the owner compare the position rule only; canManageRole(…, true) is true by Discord's rule.
        const byPosition = canManageRole(actorHighest, roleRaw, false);
        assert.equal(has(actorBase, P.ManageRoles) && byPosition, role.editable, `${at}: editable`);
        if (actorIsOwner) assert.equal(canManageRole(actorHighest, roleRaw, true), true, at);
        counts.roleEdit++;
      }
    }
    guild.client.guilds.cache.delete(guild.id);
  }

  const total = counts.guildLevel + counts.channelLevel + counts.hierarchy + counts.roleEdit + counts.rolePairs;
  t.diagnostic(
    `compared ${total} cases on ${counts.guilds} guilds: ${counts.guildLevel} guild-level, ${counts.channelLevel} channel-level, ` +
      `${counts.hierarchy} member-hierarchy, ${counts.roleEdit} role-editable, ${counts.rolePairs} role-order ` +
      `(members: ${counts.owners} owners, ${counts.admins} administrators, ${counts.timedOut} timed out)`,
  );
  assert.ok(counts.guilds >= 1000);
  assert.ok(counts.timedOut > 0 && counts.owners > 0 && counts.admins > 0, 'the generator covers owners, administrators and timeouts');
});
