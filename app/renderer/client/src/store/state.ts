// The client's state as plain immutable data, and the reducer that applies gateway dispatches
// to it. Kept free of React and of sockets so it reads like a table of events.
import { compareIds, type Channel, type Guild, type Member, type Message, type Presence, type Role, type User, type VoiceState } from '../api/types';

export interface GuildState {
  id: string;
  name: string;
  icon: string | null;
  ownerId: string;
  roles: Role[];
  channels: Channel[];
  members: ReadonlyMap<string, Member>;
}

export interface ChannelMessages {
  items: Message[];
  /** False once the oldest message of the channel is loaded. */
  hasMore: boolean;
  loading: boolean;
}

export interface State {
  me: User | null;
  guilds: ReadonlyMap<string, GuildState>;
  /** Guild order as the sidebar shows it (arrival order). */
  guildOrder: string[];
  presences: ReadonlyMap<string, string>;
  messages: ReadonlyMap<string, ChannelMessages>;
  /** channel → user → when the typing indicator expires (ms). */
  typing: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** guild → user → voice state (only users in a channel). */
  voiceStates: ReadonlyMap<string, ReadonlyMap<string, VoiceState>>;
}

export const initialState: State = { me: null, guilds: new Map(), guildOrder: [], presences: new Map(), messages: new Map(), typing: new Map(), voiceStates: new Map() };

function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V | undefined): Map<K, V> {
  const next = new Map(map);
  if (value === undefined) next.delete(key);
  else next.set(key, value);
  return next;
}

function memberMap(members: Member[] | undefined): Map<string, Member> {
  return new Map((members ?? []).filter((m) => m.user).map((m) => [m.user!.id, m]));
}

function addGuild(state: State, g: Guild): State {
  if (g.unavailable && !g.channels) return state;
  const old = state.guilds.get(g.id);
  const guild: GuildState = {
    id: g.id,
    name: g.name,
    icon: g.icon ?? null,
    ownerId: g.owner_id,
    roles: g.roles ?? old?.roles ?? [],
    channels: (g.channels ?? old?.channels ?? []).map((c) => ({ ...c, guild_id: g.id })),
    members: new Map([...(old?.members ?? []), ...memberMap(g.members)]),
  };
  let presences = state.presences;
  if (g.presences?.length) {
    const next = new Map(presences);
    for (const p of g.presences) next.set(p.user.id, p.status);
    presences = next;
  }
  let voiceStates = state.voiceStates;
  if (g.voice_states) voiceStates = withEntry(voiceStates, g.id, new Map(g.voice_states.filter((v) => v.channel_id).map((v) => [v.user_id, { ...v, guild_id: g.id }])));
  return {
    ...state,
    guilds: withEntry(state.guilds, g.id, guild),
    guildOrder: state.guildOrder.includes(g.id) ? state.guildOrder : [...state.guildOrder, g.id],
    presences,
    voiceStates,
  };
}

function updateGuild(state: State, guildId: string | undefined, fn: (g: GuildState) => GuildState): State {
  const g = guildId ? state.guilds.get(guildId) : undefined;
  return g ? { ...state, guilds: withEntry(state.guilds, g.id, fn(g)) } : state;
}

function updateMessages(state: State, channelId: string, fn: (m: ChannelMessages) => ChannelMessages): State {
  const current = state.messages.get(channelId);
  // Live events for a channel never opened are dropped: its history is fetched when it is opened.
  if (!current) return state;
  return { ...state, messages: withEntry(state.messages, channelId, fn(current)) };
}

/** Inserts or replaces by id, keeping ascending id order (new messages are nearly always last). */
export function upsertSorted(items: Message[], message: Message): Message[] {
  const at = items.findLastIndex((m) => compareIds(m.id, message.id) <= 0);
  if (at >= 0 && items[at]!.id === message.id) {
    const next = items.slice();
    next[at] = { ...items[at]!, ...message };
    return next;
  }
  return [...items.slice(0, at + 1), message, ...items.slice(at + 1)];
}

function stopTyping(state: State, channelId: string, userId: string): State {
  const t = state.typing.get(channelId);
  if (!t?.has(userId)) return state;
  return { ...state, typing: withEntry(state.typing, channelId, withEntry(t, userId, undefined)) };
}

type ReactionEvent = { channel_id: string; message_id: string; user_id: string; emoji: { id: string | null; name: string | null } };

function applyReaction(state: State, e: ReactionEvent, delta: 1 | -1): State {
  const me = state.me?.id === e.user_id;
  const same = (x: { id: string | null; name: string | null }) => (e.emoji.id ? x.id === e.emoji.id : x.name === e.emoji.name);
  return updateMessages(state, e.channel_id, (m) => ({
    ...m,
    items: m.items.map((msg) => {
      if (msg.id !== e.message_id) return msg;
      const reactions = [...(msg.reactions ?? [])];
      const i = reactions.findIndex((r) => same(r.emoji));
      if (i === -1) {
        if (delta > 0) reactions.push({ count: 1, me, emoji: e.emoji });
      } else {
        const r = reactions[i]!;
        const count = r.count + delta;
        if (count <= 0) reactions.splice(i, 1);
        else reactions[i] = { ...r, count, me: me ? delta > 0 : r.me };
      }
      return { ...msg, reactions };
    }),
  }));
}

/** Applies one gateway dispatch. Unknown events leave the state as it is. */
export function reduce(state: State, event: string, data: unknown): State {
  switch (event) {
    case 'READY': {
      const d = data as { user: User; guilds: Guild[] };
      // A fresh session (not a resume): start from the server's view. Cached history is dropped
      // too: what was posted between the old session and this one was never dispatched to us, so
      // open channels fetch their newest page again.
      let next: State = { ...initialState, me: d.user };
      for (const g of d.guilds) next = addGuild(next, g);
      return next;
    }
    case 'GUILD_CREATE':
    case 'GUILD_UPDATE':
      return event === 'GUILD_UPDATE' ? updateGuild(state, (data as Guild).id, (g) => ({ ...g, name: (data as Guild).name, icon: (data as Guild).icon ?? null, roles: (data as Guild).roles ?? g.roles })) : addGuild(state, data as Guild);
    case 'GUILD_DELETE': {
      const id = (data as { id: string }).id;
      return { ...state, guilds: withEntry(state.guilds, id, undefined), guildOrder: state.guildOrder.filter((g) => g !== id) };
    }
    case 'CHANNEL_CREATE':
    case 'CHANNEL_UPDATE': {
      const c = data as Channel;
      return updateGuild(state, c.guild_id, (g) => ({ ...g, channels: [...g.channels.filter((x) => x.id !== c.id), c] }));
    }
    case 'CHANNEL_DELETE': {
      const c = data as Channel;
      return updateGuild(state, c.guild_id, (g) => ({ ...g, channels: g.channels.filter((x) => x.id !== c.id) }));
    }
    case 'GUILD_ROLE_CREATE':
    case 'GUILD_ROLE_UPDATE': {
      const d = data as { guild_id: string; role: Role };
      return updateGuild(state, d.guild_id, (g) => ({ ...g, roles: [...g.roles.filter((r) => r.id !== d.role.id), d.role] }));
    }
    case 'GUILD_ROLE_DELETE': {
      const d = data as { guild_id: string; role_id: string };
      return updateGuild(state, d.guild_id, (g) => ({ ...g, roles: g.roles.filter((r) => r.id !== d.role_id) }));
    }
    case 'GUILD_MEMBER_ADD':
    case 'GUILD_MEMBER_UPDATE': {
      const d = data as Member & { guild_id: string };
      if (!d.user) return state;
      return updateGuild(state, d.guild_id, (g) => ({ ...g, members: withEntry(g.members, d.user!.id, { ...g.members.get(d.user!.id), ...d }) }));
    }
    case 'GUILD_MEMBER_REMOVE': {
      const d = data as { guild_id: string; user: User };
      return updateGuild(state, d.guild_id, (g) => ({ ...g, members: withEntry(g.members, d.user.id, undefined) }));
    }
    case 'GUILD_MEMBERS_CHUNK': {
      const d = data as { guild_id: string; members: Member[]; presences?: Presence[] };
      let next = updateGuild(state, d.guild_id, (g) => ({ ...g, members: new Map([...g.members, ...memberMap(d.members)]) }));
      if (d.presences?.length) {
        const presences = new Map(next.presences);
        for (const p of d.presences) presences.set(p.user.id, p.status);
        next = { ...next, presences };
      }
      return next;
    }
    case 'PRESENCE_UPDATE': {
      const p = data as Presence;
      return { ...state, presences: withEntry(state.presences, p.user.id, p.status) };
    }
    case 'USER_UPDATE':
      return { ...state, me: { ...state.me!, ...(data as User) } };
    case 'MESSAGE_CREATE': {
      const m = data as Message;
      const next = updateMessages(state, m.channel_id, (c) => ({ ...c, items: upsertSorted(c.items, m) }));
      return stopTyping(next, m.channel_id, m.author.id);
    }
    case 'MESSAGE_UPDATE': {
      const m = data as Message;
      return updateMessages(state, m.channel_id, (c) => ({ ...c, items: c.items.map((x) => (x.id === m.id ? { ...x, ...m } : x)) }));
    }
    case 'MESSAGE_DELETE': {
      const d = data as { id: string; channel_id: string };
      // Replies to it keep their place but show "Original message was deleted".
      return updateMessages(state, d.channel_id, (c) => ({
        ...c,
        items: c.items.filter((x) => x.id !== d.id).map((x) => (x.referenced_message?.id === d.id ? { ...x, referenced_message: null } : x)),
      }));
    }
    case 'MESSAGE_REACTION_ADD':
      return applyReaction(state, data as ReactionEvent, 1);
    case 'MESSAGE_REACTION_REMOVE':
      return applyReaction(state, data as ReactionEvent, -1);
    case 'TYPING_START': {
      const d = data as { channel_id: string; user_id: string; timestamp: number };
      if (d.user_id === state.me?.id) return state;
      const current = state.typing.get(d.channel_id) ?? new Map<string, number>();
      return { ...state, typing: withEntry(state.typing, d.channel_id, withEntry(current, d.user_id, Date.now() + 10_000)) };
    }
    case 'VOICE_STATE_UPDATE': {
      const v = data as VoiceState;
      if (!v.guild_id) return state;
      const current = state.voiceStates.get(v.guild_id) ?? new Map<string, VoiceState>();
      return { ...state, voiceStates: withEntry(state.voiceStates, v.guild_id, withEntry(current, v.user_id, v.channel_id ? v : undefined)) };
    }
    default:
      return state;
  }
}

/** History loaded for a channel (older pages are prepended). */
export function withHistory(state: State, channelId: string, page: Message[], limit: number): State {
  const current = state.messages.get(channelId) ?? { items: [], hasMore: true, loading: false };
  const known = new Set(current.items.map((m) => m.id));
  const older = page.filter((m) => !known.has(m.id)).sort((a, b) => compareIds(a.id, b.id));
  return { ...state, messages: withEntry(state.messages, channelId, { items: [...older, ...current.items], hasMore: page.length >= limit, loading: false }) };
}

export function withLoading(state: State, channelId: string, loading: boolean): State {
  const current = state.messages.get(channelId) ?? { items: [], hasMore: true, loading: false };
  return { ...state, messages: withEntry(state.messages, channelId, { ...current, loading }) };
}

export function withoutExpiredTyping(state: State, now: number): State {
  let changed = false;
  const typing = new Map<string, ReadonlyMap<string, number>>();
  for (const [channel, users] of state.typing) {
    const kept = new Map([...users].filter(([, until]) => until > now));
    if (kept.size !== users.size) changed = true;
    if (kept.size) typing.set(channel, kept);
  }
  return changed ? { ...state, typing } : state;
}
