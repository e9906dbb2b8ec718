// The web client's voice module (a lazily loaded chunk): load it with `loadVoice()` from
// ./load.ts when a voice channel is joined, so mediasoup-client stays out of the first load.
import { WebVoiceCall } from './call';
import type { VoiceCall, VoiceOptions, VoiceServerInfo } from './types';

export type { VoiceCall, VoiceCallEvents, VoiceCloseInfo, VoiceOptions, VoiceServerInfo, VoiceStats, InboundStats } from './types';
export { VoiceSignalingError } from './signaling';

/**
 * Joins the voice room of VOICE_SERVER_UPDATE: opens `wss://endpoint?v=8`, identifies, loads a
 * mediasoup-client Device, sends the microphone and receives everyone else. Rejects (having
 * released everything) if the voice server refuses or cannot be reached.
 */
export function connectVoice(info: VoiceServerInfo, options?: VoiceOptions): Promise<VoiceCall & { readonly microphoneError: string | undefined }> {
  return WebVoiceCall.connect(info, options);
}
