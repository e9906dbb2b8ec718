import { VoiceCloseCodes, VoiceOpcodes } from 'discord-api-types/voice/v8';
import type { Logger } from 'pino';
import type { VoiceConnection } from '../connection.js';
import { isEncryptionMode } from '../media/rtp-crypto.js';
import type { VoiceSession } from './voice-session.js';

export class VoiceCloseError extends Error {
  constructor(
    readonly code: VoiceCloseCodes,
    message: string,
  ) {
    super(message);
  }
}

/** What the opcode handlers need from the voice server. */
export interface VoiceSignaling {
  logger: Logger;
  heartbeatIntervalMs: number;
  /** A valid Identify → a new connection (Ready sent), or undefined for a bad token. */
  identify(session: VoiceSession, d: { serverId: string; userId: string; sessionId: string; token: string }): Promise<VoiceConnection | undefined>;
  /** A valid Resume → the connection, attached to this session (Resumed and replay sent). */
  resume(session: VoiceSession, d: { serverId: string; sessionId: string; token: string; seqAck: number }): VoiceConnection | undefined;
  selectProtocol(conn: VoiceConnection, address: string | undefined, port: number | undefined, mode: string): Promise<void>;
  speaking(conn: VoiceConnection, speaking: number): void;
  /** Op 100: a browser's WebRTC signalling request (server/voice/webrtc/bridge.ts). */
  webrtcRequest(conn: VoiceConnection, requestId: unknown, method: unknown, data: unknown): Promise<void>;
}

export type VoiceOpcodeHandler = (session: VoiceSession, d: unknown) => Promise<void>;

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 256;
type Data = Record<string, unknown>;
const obj = (d: unknown): Data => {
  if (d === null || typeof d !== 'object' || Array.isArray(d)) throw new VoiceCloseError(VoiceCloseCodes.FailedToDecode, 'Failed to decode payload');
  return d as Data;
};

/** Op 0: server_id, user_id, session_id and the token of VOICE_SERVER_UPDATE. */
const identify: VoiceOpcodeHandler = async (session, d) => {
  if (session.conn) throw new VoiceCloseError(VoiceCloseCodes.AlreadyAuthenticated, 'Already authenticated');
  const data = obj(d);
  if (!str(data.server_id) || !str(data.user_id) || !str(data.session_id) || !str(data.token)) {
    throw new VoiceCloseError(VoiceCloseCodes.FailedToDecode, 'Failed to decode payload');
  }
  const conn = await session.signaling.identify(session, { serverId: data.server_id, userId: data.user_id, sessionId: data.session_id, token: data.token });
  if (!conn && !session.closed) throw new VoiceCloseError(VoiceCloseCodes.AuthenticationFailed, 'Authentication failed');
};

/** Op 7: back onto a connection whose socket dropped. */
const resume: VoiceOpcodeHandler = (session, d) => {
  if (session.conn) throw new VoiceCloseError(VoiceCloseCodes.AlreadyAuthenticated, 'Already authenticated');
  const data = obj(d);
  if (!str(data.server_id) || !str(data.session_id) || !str(data.token)) throw new VoiceCloseError(VoiceCloseCodes.FailedToDecode, 'Failed to decode payload');
  const seqAck = typeof data.seq_ack === 'number' ? data.seq_ack : -1;
  const conn = session.signaling.resume(session, { serverId: data.server_id, sessionId: data.session_id, token: data.token, seqAck });
  if (!conn) throw new VoiceCloseError(VoiceCloseCodes.SessionNoLongerValid, 'Session is no longer valid');
  return Promise.resolve();
};

/** Op 1: `{protocol: "udp", data: {address, port, mode}}` → Session Description. */
const selectProtocol: VoiceOpcodeHandler = async (session, d) => {
  const data = obj(d);
  if (data.protocol !== 'udp') throw new VoiceCloseError(VoiceCloseCodes.UnknownProtocol, 'Unknown protocol');
  const inner = obj(data.data);
  if (!isEncryptionMode(inner.mode)) throw new VoiceCloseError(VoiceCloseCodes.UnknownEncryptionMode, 'Unknown encryption mode');
  const address = typeof inner.address === 'string' ? inner.address : undefined;
  const port = typeof inner.port === 'number' && Number.isInteger(inner.port) && inner.port > 0 && inner.port < 65536 ? inner.port : undefined;
  await session.signaling.selectProtocol(session.conn!, address, port, inner.mode);
};

/** Op 3: v8 `{t, seq_ack}` → ACK `{t}`; v4 a bare nonce → ACK with the same nonce. */
const heartbeat: VoiceOpcodeHandler = (session, d) => {
  session.heartbeatReceived();
  const nonce = d !== null && typeof d === 'object' && 't' in d ? { t: (d as { t: unknown }).t } : d;
  session.sendRaw(JSON.stringify({ op: VoiceOpcodes.HeartbeatAck, d: nonce }));
  return Promise.resolve();
};

/** Op 5: the client starts or stops sending; the others learn its SSRC from it. */
const speaking: VoiceOpcodeHandler = (session, d) => {
  const data = obj(d);
  const value = typeof data.speaking === 'number' ? data.speaking : data.speaking === true ? 1 : 0;
  session.signaling.speaking(session.conn!, value);
  return Promise.resolve();
};

/** Op 100 (Hearth): a browser's mediasoup signalling request, answered with op 101 (docs/voice.md). */
const webrtcRequest: VoiceOpcodeHandler = (session, d) => {
  const data = obj(d);
  return session.signaling.webrtcRequest(session.conn!, data.request_id, data.method, data.data);
};

/** Client-side ops with nothing to do here: video (12) is not offered, DAVE ops need DAVE. */
const ignore: VoiceOpcodeHandler = () => Promise.resolve();

export const voiceOpcodeHandlers: Partial<Record<VoiceOpcodes, VoiceOpcodeHandler>> = {
  [VoiceOpcodes.Identify]: identify,
  [VoiceOpcodes.SelectProtocol]: selectProtocol,
  [VoiceOpcodes.Heartbeat]: heartbeat,
  [VoiceOpcodes.Speaking]: speaking,
  [VoiceOpcodes.Resume]: resume,
  [VoiceOpcodes.DaveTransitionReady]: ignore,
  [12 as VoiceOpcodes]: ignore,
  [100 as VoiceOpcodes]: webrtcRequest,
};
