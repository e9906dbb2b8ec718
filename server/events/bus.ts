import type { GatewayDispatchEvents } from 'discord-api-types/v10';

/**
 * Routing keys say who may need an event: `guild:<id>` (every member session of the guild),
 * `user:<id>` (every session of one user). A transport delivers an event once to each
 * subscriber holding any of its keys.
 */
export type RoutingKey = `guild:${string}` | `user:${string}`;

export const guildKey = (id: string): RoutingKey => `guild:${id}`;
export const userKey = (id: string): RoutingKey => `user:${id}`;

/** Dispatches Discord sends only to user clients, which discord-api-types (a bot library) does not list. */
type UserClientDispatch = 'APPLICATION_COMMAND_AUTOCOMPLETE_RESPONSE';

/** A gateway dispatch for the sessions behind `keys`. `d` is the payload exactly as sent. */
export interface DispatchEvent {
  kind: 'dispatch';
  t: `${GatewayDispatchEvents}` | UserClientDispatch;
  d: unknown;
  keys: RoutingKey[];
}

/** A user joined a guild: their sessions subscribe to it and send GUILD_CREATE. */
export interface GuildJoinEvent {
  kind: 'guild-join';
  guildId: string;
  userId: string;
  keys: RoutingKey[];
}

/** A user left or lost a guild: their sessions unsubscribe and send GUILD_DELETE. */
export interface GuildLeaveEvent {
  kind: 'guild-leave';
  guildId: string;
  userId: string;
  keys: RoutingKey[];
}

/** Cached auth data of a user changed (token reset, profile edit): drop it everywhere. */
export interface UserInvalidateEvent {
  kind: 'user-invalidate';
  userId: string;
  keys: RoutingKey[];
}

/**
 * This node may have missed events (its broker connection was lost): caches drop everything.
 * Raised by a transport on its own node only, without keys, so only taps see it.
 */
export interface ResyncEvent {
  kind: 'resync';
  keys: RoutingKey[];
}

/**
 * A voice state changed on `origin` (a node id): every node keeps the deployment's voice
 * states, so the node hosting a channel can check voice tokens another node handed out.
 * `state` is null when the user left voice in that guild. Published without keys (taps only).
 */
export interface VoiceStateSyncEvent {
  kind: 'voice-state';
  origin: string;
  guildId: string;
  userId: string;
  state: Record<string, unknown> | null;
  keys: RoutingKey[];
}

export type BusEvent = DispatchEvent | GuildJoinEvent | GuildLeaveEvent | UserInvalidateEvent | ResyncEvent | VoiceStateSyncEvent;

export type BusHandler = (event: BusEvent) => void;

/** One consumer's interest: a set of keys, changed as its sessions come and go. */
export interface Subscriber {
  add(key: RoutingKey): void;
  remove(key: RoutingKey): void;
  has(key: RoutingKey): boolean;
  /**
   * Resolves once every key added so far is in effect on the transport: from then on no event
   * published under them, on any node, can pass this subscriber by. Immediate in-process.
   */
  bound(): Promise<void>;
  close(): void;
}

/** The event bus between services and delivery surfaces; transports: in-process, RabbitMQ. */
export interface EventBus {
  readonly closed: boolean;
  /** Resolves once the transport has accepted the event. */
  publish(event: BusEvent): Promise<void>;
  subscribe(handler: BusHandler): Subscriber;
  /** Receives every event published on this node's bus (caches, metrics). */
  tap(handler: BusHandler): () => void;
  close(): Promise<void>;
}
