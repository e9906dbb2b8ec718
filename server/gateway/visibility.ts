/** Dispatches about one guild channel: only sessions that can view the channel receive them. */
const BY_CHANNEL_ID = new Set([
  'MESSAGE_CREATE',
  'MESSAGE_UPDATE',
  'MESSAGE_DELETE',
  'MESSAGE_DELETE_BULK',
  'MESSAGE_REACTION_ADD',
  'MESSAGE_REACTION_REMOVE',
  'MESSAGE_REACTION_REMOVE_ALL',
  'MESSAGE_REACTION_REMOVE_EMOJI',
  'TYPING_START',
  'CHANNEL_PINS_UPDATE',
  'INVITE_CREATE',
  'INVITE_DELETE',
  'WEBHOOKS_UPDATE',
]);
const BY_ID = new Set(['CHANNEL_CREATE', 'CHANNEL_UPDATE', 'THREAD_CREATE', 'THREAD_UPDATE', 'THREAD_MEMBERS_UPDATE']);

/** The guild channel a dispatch is about, or undefined for guild-wide and DM events. */
export function channelOf(t: string, d: unknown): string | undefined {
  if (d === null || typeof d !== 'object') return undefined;
  const payload = d as { guild_id?: unknown; channel_id?: unknown; id?: unknown };
  if (typeof payload.guild_id !== 'string') return undefined;
  // A deleted thread is gone: who saw it is decided by its parent (a private one is routed to its audience).
  const id = BY_CHANNEL_ID.has(t) ? payload.channel_id : BY_ID.has(t) ? payload.id : t === 'THREAD_DELETE' ? (payload as { parent_id?: unknown }).parent_id : undefined;
  return typeof id === 'string' ? id : undefined;
}
