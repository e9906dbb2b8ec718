import { isSnowflake } from '../../core/ids/snowflake.js';
import { HttpError } from '../../core/errors.js';
import type { GatewaySession } from '../session.js';

interface VoiceStateData {
  guild_id?: unknown;
  channel_id?: unknown;
  self_mute?: unknown;
  self_deaf?: unknown;
  self_video?: unknown;
}

/**
 * Op 4: join, move within or leave voice. A refused join (no CONNECT, a full channel, not a
 * voice channel) gets no answer at all, as on Discord: no VOICE_STATE_UPDATE, no VOICE_SERVER_UPDATE.
 * The VOICE_STATE_UPDATE itself reaches the guild (this session included) through the bus.
 */
export async function voiceStateUpdate(session: GatewaySession, d: unknown): Promise<void> {
  const data = (d ?? {}) as VoiceStateData;
  const ctx = session.ctx;
  if (!ctx || !isSnowflake(data.guild_id)) return;
  if (data.channel_id !== null && !isSnowflake(data.channel_id)) return;
  try {
    const server = await session.core.voiceStates.join(ctx, session.id, {
      guildId: data.guild_id,
      channelId: data.channel_id,
      selfMute: data.self_mute === true,
      selfDeaf: data.self_deaf === true,
      selfVideo: data.self_video === true,
    });
    if (server && !session.closed) session.dispatch('VOICE_SERVER_UPDATE', server);
  } catch (err) {
    if (err instanceof HttpError) return;
    throw err;
  }
}
