import { GatewayIntentBits } from 'discord-api-types/v10';
import { seesContentAnyway, withoutContent } from '../core/message-content.js';
import type { DispatchEvent } from '../events/bus.js';
import { eventJson } from './encoding/frames.js';

const MESSAGE_EVENTS = new Set(['MESSAGE_CREATE', 'MESSAGE_UPDATE']);

/** The stripped JSON of an event, built once however many sessions need it. */
const strippedJson = new WeakMap<DispatchEvent, string>();

/**
 * The JSON of `d` as a session receives it: a bot session without MESSAGE_CONTENT gets message
 * events without content (unless the message is its own, a DM, or mentions it).
 */
export function payloadFor(event: DispatchEvent, intents: number | undefined, userId: string): string {
  if (intents === undefined || (intents & GatewayIntentBits.MessageContent) !== 0 || !MESSAGE_EVENTS.has(event.t)) return eventJson(event);
  const d = event.d as Parameters<typeof seesContentAnyway>[1];
  if (d === null || typeof d !== 'object' || seesContentAnyway(userId, d)) return eventJson(event);
  let json = strippedJson.get(event);
  if (json === undefined) {
    json = JSON.stringify(withoutContent(d));
    strippedJson.set(event, json);
  }
  return json;
}
