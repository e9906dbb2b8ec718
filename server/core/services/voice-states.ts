import { ChannelType, PermissionFlagsBits, type APIGuildMember } from 'discord-api-types/v10';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { GuildRepository } from '../../db/repositories/guilds.js';
import type { EventBus } from '../../events/bus.js';
import { guildKey, userKey } from '../../events/bus.js';
import type { AccessService } from '../access.js';
import type { AuthContext } from '../context.js';
import { HttpError } from '../errors.js';
import { mapMember } from '../mappers/index.js';
import { has } from '../permissions.js';
import { HEARTH_REGION } from './guild-extras.js';
import type { VoiceChannelOwners } from './voice-owners.js';

const VOICE_TYPES: ReadonlySet<number> = new Set([ChannelType.GuildVoice, ChannelType.GuildStageVoice]);

/** One user's place in voice in one guild. Voice states live in memory on the node that owns the session. */
export interface VoiceState {
  /** The node whose gateway session joined (every node keeps every state: `voice-state` events). */
  node: string;
  guildId: string;
  channelId: string;
  userId: string;
  /** The main-gateway session that joined. */
  sessionId: string;
  /** The voice token handed out with VOICE_SERVER_UPDATE for this channel. */
  token: string;
  selfMute: boolean;
  selfDeaf: boolean;
  selfVideo: boolean;
  /** Server mute/deaf (the member's flags). */
  mute: boolean;
  deaf: boolean;
  /** SPEAK in the channel when joining: the voice server drops audio of those without it. */
  canSpeak: boolean;
}

/** VOICE_STATE_UPDATE / GUILD_CREATE `voice_states[]` entry. */
export interface VoiceStatePayload {
  guild_id: string;
  channel_id: string | null;
  user_id: string;
  member?: APIGuildMember;
  session_id: string;
  deaf: boolean;
  mute: boolean;
  self_deaf: boolean;
  self_mute: boolean;
  self_video: boolean;
  suppress: boolean;
  request_to_speak_timestamp: null;
}

export interface VoiceServerPayload {
  token: string;
  guild_id: string;
  endpoint: string | null;
}

/** What changed, for the voice surface: it drops connections whose state ended or moved. */
export interface VoiceStateChange {
  before: VoiceState | undefined;
  after: VoiceState | undefined;
}

export interface VoiceAvailability {
  available: boolean;
  /** `host:port` of the voice gateway (no scheme), when available. */
  endpoint?: string | undefined;
  /** Why voice is off, or where the worker came from. */
  reason: string;
  /** Whether the user has a live voice connection in the guild (a rejoin without one gets a new VOICE_SERVER_UPDATE). */
  connected?: (guildId: string, userId: string) => boolean;
}

export interface JoinInput {
  guildId: string;
  channelId: string | null;
  selfMute?: boolean;
  selfDeaf?: boolean;
  selfVideo?: boolean;
}

/**
 * Voice states (op 4 on the main gateway, moderator moves and mutes) and the voice tokens the
 * voice gateway checks. Surfaces stay apart: the gateway calls `join`, the voice server calls
 * `verify` and listens with `onChange`; the endpoint comes from whoever runs the voice server.
 */
export class VoiceStateService {
  private readonly byGuild = new Map<string, Map<string, VoiceState>>();
  private readonly listeners = new Set<(change: VoiceStateChange) => void>();
  private readonly nodeId: string;

  constructor(
    private readonly guilds: GuildRepository,
    private readonly access: AccessService,
    private readonly bus: EventBus,
    /** Whether this node's voice server runs, its `host:port`, and why not when it does not. */
    private readonly voice: () => VoiceAvailability,
    /** Which node hosts each active channel (the endpoint members are sent to). */
    private readonly owners: VoiceChannelOwners,
    private readonly onListenerError: (err: unknown) => void = () => undefined,
  ) {
    this.nodeId = owners.nodeId;
    owners.onTick = () => this.dropDeadNodes();
    // A deleted channel, a member who left or was removed, a deleted guild: their voice states end.
    // Every node sees these events; each ends the states its own sessions hold (and tells the others).
    this.untap = bus.tap((event) => {
      if (event.kind === 'voice-state') return this.applyRemote(event.origin, event.guildId, event.userId, event.state as VoiceState | null);
      if (event.kind === 'guild-leave') this.endWhere((s) => s.guildId === event.guildId && s.userId === event.userId);
      if (event.kind !== 'dispatch') return;
      const d = event.d as { id?: string; guild_id?: string; user?: { id?: string } } | null;
      if (event.t === 'CHANNEL_DELETE' && d?.id) this.endWhere((s) => s.channelId === d.id);
      else if (event.t === 'GUILD_DELETE' && d?.id && !event.keys.some((k) => k.startsWith('user:'))) this.endWhere((s) => s.guildId === d.id);
    });
  }

  private readonly untap: () => void;

  async close(): Promise<void> {
    this.untap();
    await this.owners.close();
  }

  private endWhere(match: (state: VoiceState) => boolean): void {
    for (const states of [...this.byGuild.values()]) {
      for (const state of [...states.values()]) if (state.node === this.nodeId && match(state)) this.remove(state).catch(this.onListenerError);
    }
  }

  /** Another node changed a voice state: keep it here too (the voice server checks tokens against it). */
  private applyRemote(origin: string, guildId: string, userId: string, state: VoiceState | null): void {
    if (origin === this.nodeId) return;
    const before = this.get(guildId, userId);
    if (state) this.store(state);
    else if (before) {
      const states = this.byGuild.get(guildId)!;
      states.delete(userId);
      if (states.size === 0) this.byGuild.delete(guildId);
    } else return;
    this.emit({ before, after: state ?? undefined });
  }

  /**
   * Voice states held by sessions of a node that died (no heartbeat) end here: the voice server
   * drops their connections, and the node hosting the channel tells the guild they left.
   */
  private async dropDeadNodes(): Promise<void> {
    const origins = new Set<string>();
    for (const states of this.byGuild.values()) for (const s of states.values()) if (s.node !== this.nodeId) origins.add(s.node);
    if (origins.size === 0) return;
    const alive = await this.owners.alive([...origins]);
    for (const states of [...this.byGuild.values()]) {
      for (const state of [...states.values()]) {
        if (state.node === this.nodeId || alive.has(state.node)) continue;
        const hosted = this.owners.owns(state.channelId);
        states.delete(state.userId);
        if (states.size === 0) this.byGuild.delete(state.guildId);
        this.emit({ before: state, after: undefined });
        if (hosted) await this.publish(state, null);
      }
    }
  }

  /** Tells the other nodes (confirmed by the broker before a VOICE_SERVER_UPDATE names another node's endpoint). */
  private replicate(guildId: string, userId: string, state: VoiceState | null): Promise<void> {
    return this.bus.publish({ kind: 'voice-state', origin: this.nodeId, guildId, userId, state: state as unknown as Record<string, unknown> | null, keys: [] });
  }

  /** `GET /voice/regions`: the node's one region, marked deprecated (with the reason) while voice is off. */
  region(): typeof HEARTH_REGION & { hearth_voice_disabled_reason?: string } {
    const voice = this.voice();
    return voice.available ? HEARTH_REGION : { ...HEARTH_REGION, optimal: false, deprecated: true, hearth_voice_disabled_reason: voice.reason };
  }

  /** The voice gateway's `host:port` while voice runs (the web client's CSP allows it in connect-src). */
  endpoint(): string | undefined {
    const voice = this.voice();
    return voice.available ? voice.endpoint : undefined;
  }

  get(guildId: string, userId: string): VoiceState | undefined {
    return this.byGuild.get(guildId)?.get(userId);
  }

  /** `voice_states` of GUILD_CREATE (without guild_id and member, as Discord sends them there). */
  ofGuild(guildId: string): Omit<VoiceStatePayload, 'guild_id' | 'member'>[] {
    return [...(this.byGuild.get(guildId)?.values() ?? [])].map((s) => {
      const { guild_id: _g, member: _m, ...rest } = payloadOf(s, s.channelId);
      return rest;
    });
  }

  /** Whether anyone (on any node) is in `channelId`. */
  hasChannel(channelId: string): boolean {
    for (const states of this.byGuild.values()) for (const s of states.values()) if (s.channelId === channelId) return true;
    return false;
  }

  inChannel(guildId: string, channelId: string): VoiceState[] {
    return [...(this.byGuild.get(guildId)?.values() ?? [])].filter((s) => s.channelId === channelId);
  }

  /** The state a voice gateway Identify refers to, if its token is the current one. */
  verify(guildId: string, userId: string, sessionId: string, token: string): VoiceState | undefined {
    const state = this.get(guildId, userId);
    if (!state || state.sessionId !== sessionId) return undefined;
    const a = Buffer.from(state.token);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b) ? state : undefined;
  }

  /**
   * `verify`, but a state this node has not heard of yet (another node accepted the op 4 and its
   * voice-state event is still on the way through the broker) is waited for, up to `waitMs`. A
   * known state with a wrong token fails at once.
   */
  verifySoon(guildId: string, userId: string, sessionId: string, token: string, waitMs: number): Promise<VoiceState | undefined> {
    const now = this.verify(guildId, userId, sessionId, token);
    const known = this.get(guildId, userId);
    if (now || (known && known.sessionId === sessionId) || waitMs <= 0) return Promise.resolve(now);
    return new Promise((resolve) => {
      const done = (state: VoiceState | undefined) => {
        clearTimeout(timer);
        off();
        resolve(state);
      };
      const off = this.onChange(({ after }) => {
        if (after?.guildId !== guildId || after.userId !== userId) return;
        const state = this.verify(guildId, userId, sessionId, token);
        if (state) done(state);
      });
      const timer = setTimeout(() => done(undefined), waitMs);
    });
  }

  onChange(listener: (change: VoiceStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Op 4. Joining or moving needs VIEW_CHANNEL and CONNECT in a voice channel with room
   * (`user_limit`, unless MOVE_MEMBERS). Returns the VOICE_SERVER_UPDATE for the session when
   * a (new) channel was joined; a change of self flags only republishes the state.
   */
  async join(ctx: AuthContext, sessionId: string, input: JoinInput): Promise<VoiceServerPayload | undefined> {
    const before = this.get(input.guildId, ctx.userId);
    if (input.channelId === null) {
      // Leaving from another session than the one in voice does nothing, as on Discord.
      if (before && before.sessionId === sessionId) await this.remove(before);
      return undefined;
    }
    const access = await this.access.channel(ctx, input.channelId);
    if (access.guildId !== input.guildId || !VOICE_TYPES.has(access.channel.type)) throw new HttpError('INVALID_CHANNEL_TYPE');
    if (!has(access.permissions, PermissionFlagsBits.Connect)) throw new HttpError('MISSING_PERMISSIONS');
    const limit = access.channel.user_limit ?? 0;
    const moving = before?.channelId !== input.channelId;
    if (moving && limit > 0 && this.inChannel(input.guildId, input.channelId).length >= limit && !has(access.permissions, PermissionFlagsBits.MoveMembers)) {
      // A full channel admits only those who could move members in anyway (Discord has no code for it).
      throw new HttpError('MISSING_PERMISSIONS');
    }
    const member = await this.guilds.findMember(input.guildId, ctx.userId);
    if (!member) throw new HttpError('MISSING_ACCESS');
    const newToken = moving || before.sessionId !== sessionId;
    const state: VoiceState = {
      node: this.nodeId,
      guildId: input.guildId,
      channelId: input.channelId,
      userId: ctx.userId,
      sessionId,
      token: newToken ? randomBytes(16).toString('hex') : before.token,
      selfMute: input.selfMute ?? false,
      selfDeaf: input.selfDeaf ?? false,
      selfVideo: input.selfVideo ?? false,
      mute: member.mute,
      deaf: member.deaf,
      canSpeak: has(access.permissions, PermissionFlagsBits.Speak),
    };
    this.store(state);
    await this.replicate(state.guildId, state.userId, state);
    await this.publish(state, state.channelId, mapMember(member));
    this.emit({ before, after: state });
    // Same channel, same session: only the self flags changed, unless the client lost its voice
    // connection and is rejoining, which needs the server update again (same token).
    const voice = this.voice();
    const resend = newToken || !(voice.connected?.(state.guildId, state.userId) ?? false);
    return resend ? { token: state.token, guild_id: state.guildId, endpoint: await this.endpointFor(state) } : undefined;
  }

  /**
   * `PATCH /guilds/{g}/members/{u}` voice fields, after MemberService stored mute/deaf:
   * `channel_id` null disconnects (MOVE_MEMBERS), another channel moves (MOVE_MEMBERS, and
   * CONNECT there for the moderator); new mute/deaf flags republish the state.
   */
  async moderate(ctx: AuthContext, guildId: string, userId: string, input: { channelId?: string | null | undefined; mute?: boolean | null | undefined; deaf?: boolean | null | undefined }): Promise<void> {
    const state = this.get(guildId, userId);
    if (input.channelId !== undefined) {
      await this.access.requireGuildPermission(ctx, guildId, PermissionFlagsBits.MoveMembers);
      if (!state) throw new HttpError('USER_NOT_CONNECTED');
      if (input.channelId === null) {
        await this.remove(state);
        return;
      }
      const access = await this.access.channel(ctx, input.channelId);
      if (access.guildId !== guildId || !VOICE_TYPES.has(access.channel.type)) throw new HttpError('INVALID_CHANNEL_TYPE');
      if (!has(access.permissions, PermissionFlagsBits.Connect)) throw new HttpError('MISSING_PERMISSIONS');
      if (input.channelId !== state.channelId) {
        const moved: VoiceState = { ...state, channelId: input.channelId, token: randomBytes(16).toString('hex') };
        await this.applyFlags(moved, input);
        this.store(moved);
        await this.replicate(guildId, userId, moved);
        await this.publish(moved, moved.channelId);
        // The moved user's sessions reconnect to voice with the new token.
        const server: VoiceServerPayload = { token: moved.token, guild_id: guildId, endpoint: await this.endpointFor(moved) };
        await this.bus.publish({ kind: 'dispatch', t: 'VOICE_SERVER_UPDATE', d: server, keys: [userKey(userId)] });
        this.emit({ before: state, after: moved });
        return;
      }
    }
    if (state && ((input.mute != null && input.mute !== state.mute) || (input.deaf != null && input.deaf !== state.deaf))) {
      const next = { ...state };
      await this.applyFlags(next, input);
      this.store(next);
      await this.replicate(guildId, userId, next);
      await this.publish(next, next.channelId);
      this.emit({ before: state, after: next });
    }
  }

  /** The main-gateway session ended: its voice states end too. */
  async sessionClosed(sessionId: string): Promise<void> {
    for (const states of [...this.byGuild.values()]) {
      for (const state of [...states.values()]) if (state.sessionId === sessionId) await this.remove(state);
    }
  }

  private async applyFlags(state: VoiceState, input: { mute?: boolean | null | undefined; deaf?: boolean | null | undefined }): Promise<void> {
    if (input.mute != null) state.mute = input.mute;
    if (input.deaf != null) state.deaf = input.deaf;
    return Promise.resolve();
  }

  private store(state: VoiceState): void {
    let states = this.byGuild.get(state.guildId);
    if (!states) this.byGuild.set(state.guildId, (states = new Map()));
    states.set(state.userId, state);
  }

  private async remove(state: VoiceState): Promise<void> {
    const states = this.byGuild.get(state.guildId);
    if (states?.get(state.userId) !== state) return;
    states.delete(state.userId);
    if (states.size === 0) this.byGuild.delete(state.guildId);
    this.emit({ before: state, after: undefined });
    await this.replicate(state.guildId, state.userId, null);
    await this.publish(state, null);
  }

  private async publish(state: VoiceState, channelId: string | null, member?: APIGuildMember): Promise<void> {
    let m = member;
    if (!m) {
      const row = await this.guilds.findMember(state.guildId, state.userId);
      m = row ? mapMember(row) : undefined;
    }
    const d = { ...payloadOf(state, channelId), ...(m ? { member: m } : {}) };
    await this.bus.publish({ kind: 'dispatch', t: 'VOICE_STATE_UPDATE', d, keys: [guildKey(state.guildId)] });
  }

  /** The endpoint of the node hosting the state's channel (this one when none does yet and voice runs here). */
  private endpointFor(state: VoiceState): Promise<string | null> {
    const voice = this.voice();
    return this.owners.endpointFor(state.guildId, state.channelId, voice.available ? voice.endpoint : undefined);
  }

  private emit(change: VoiceStateChange): void {
    const left = change.before;
    if (left && left.channelId !== change.after?.channelId && this.inChannel(left.guildId, left.channelId).length === 0) this.owners.emptied(left.channelId);
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}

function payloadOf(s: VoiceState, channelId: string | null): VoiceStatePayload {
  return {
    guild_id: s.guildId,
    channel_id: channelId,
    user_id: s.userId,
    session_id: s.sessionId,
    deaf: s.deaf,
    mute: s.mute,
    self_deaf: s.selfDeaf,
    self_mute: s.selfMute,
    self_video: s.selfVideo,
    suppress: false,
    request_to_speak_timestamp: null,
  };
}
