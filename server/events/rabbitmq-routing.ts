import type { BusEvent, RoutingKey } from './bus.js';

/** Every node binds this routing key: events that caches on every node must see. */
export const BROADCAST_KEY = 'all';

/**
 * Dispatches that are routed only to the nodes whose sessions hold one of their keys. They are
 * the high-volume ones and change no cached state (auth versions, channel access, voice states):
 * a node without a session that needs them may miss them. Every other event (guild, channel,
 * role and member changes, joins, leaves, user invalidations) goes to every node.
 */
const PER_KEY_ONLY = new Set([
  'MESSAGE_CREATE', 'MESSAGE_UPDATE', 'MESSAGE_DELETE', 'MESSAGE_DELETE_BULK', 'TYPING_START', 'PRESENCE_UPDATE',
  'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'MESSAGE_REACTION_REMOVE_ALL', 'MESSAGE_REACTION_REMOVE_EMOJI',
  'CHANNEL_PINS_UPDATE', 'INVITE_CREATE', 'INVITE_DELETE',
]);

export function isBroadcast(event: BusEvent): boolean {
  return event.kind !== 'dispatch' || !PER_KEY_ONLY.has(event.t);
}

/** `guild:1` → `guild.1`: topic routing keys are dot-separated words. */
export function amqpKey(key: RoutingKey): string {
  return key.replace(':', '.');
}

/** The AMQP routing keys an event is published with: one message per key. */
export function amqpKeysFor(event: BusEvent): string[] {
  return isBroadcast(event) ? [BROADCAST_KEY] : [...new Set(event.keys.map(amqpKey))];
}

/** Remembers recently seen message ids (bounded) so a multi-key event is delivered once per node. */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly max = 10_000) {}

  /** True the first time `id` is seen. */
  first(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}
