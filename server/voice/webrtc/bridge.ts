import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { VoiceConnection } from '../connection.js';
import { WebRtcPeer, WebRtcRequestError, type WebRtcListen } from './peer.js';

/** Hearth's signalling ops for browsers (mediasoup-client), beside Discord's voice ops. */
export const WebRtcOpcodes = { Request: 100, Response: 101, Notification: 102 } as const;

/** What the bridge needs from the voice server. */
export interface WebRtcHost {
  /** Puts a browser connection into its channel's room (as a member without the UDP path). */
  enterRoom(conn: VoiceConnection): Promise<void>;
  /** Announces the connection's SSRC to the UDP clients (op 5), so their receivers map it to the user. */
  speaking(conn: VoiceConnection, speaking: number): void;
  logger: Logger;
}

type Data = Record<string, unknown>;
const id = (v: unknown): string => {
  if (typeof v !== 'string' || v.length === 0 || v.length > 64) throw new WebRtcRequestError('bad id');
  return v;
};
const object = (v: unknown, what: string): Data => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new WebRtcRequestError(`bad ${what}`);
  return v as Data;
};

/**
 * Answers op 100 requests `{request_id, method, data}` with op 101 `{request_id, ok, data | error}`;
 * pushes op 102 `{event, data}`. Methods: join, createTransport, connectTransport, produce,
 * consume, resumeConsumer (docs/voice.md, "Browsers").
 */
export class WebRtcBridge {
  constructor(
    private readonly host: WebRtcHost,
    private readonly listen: WebRtcListen,
  ) {}

  /**
   * Runs one request and answers it. Whatever fails is answered (`ok: false`), never a socket
   * close: mediasoup's refusals (bad rtpParameters, a second connect…) are the client's doing.
   */
  async request(conn: VoiceConnection, requestId: unknown, method: unknown, data: unknown): Promise<void> {
    try {
      const result = await this.run(conn, method, data ?? {});
      conn.send(WebRtcOpcodes.Response, { request_id: requestId, ok: true, data: result ?? {} });
    } catch (err) {
      if (!(err instanceof WebRtcRequestError)) this.host.logger.debug({ err, method }, 'browser voice request refused by mediasoup');
      conn.send(WebRtcOpcodes.Response, { request_id: requestId, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }

  private async run(conn: VoiceConnection, method: unknown, raw: unknown): Promise<unknown> {
    const d = object(raw, 'data');
    if (method === 'join') return this.join(conn);
    const peer = conn.webrtc;
    if (!peer || peer.closed) throw new WebRtcRequestError('join first');
    switch (method) {
      case 'createTransport':
        if (d.direction !== 'send' && d.direction !== 'recv') throw new WebRtcRequestError('direction is send or recv');
        return peer.createTransport(d.direction);
      case 'connectTransport':
        await peer.connectTransport(id(d.transport_id), object(d.dtls_parameters, 'dtls_parameters') as unknown as types.DtlsParameters);
        return {};
      case 'produce': {
        const producerId = await peer.produce(id(d.transport_id), String(d.kind), object(d.rtp_parameters, 'rtp_parameters') as unknown as types.RtpParameters);
        if (!conn.media.canSend) await peer.setCanSend(false);
        this.host.speaking(conn, 1);
        return { producer_id: producerId, ssrc: conn.media.ssrc };
      }
      case 'consume':
        return peer.consume(id(d.transport_id), id(d.producer_id), object(d.rtp_capabilities, 'rtp_capabilities') as unknown as types.RtpCapabilities);
      case 'resumeConsumer':
        await peer.resumeConsumer(id(d.consumer_id));
        return {};
      default:
        throw new WebRtcRequestError('unknown method');
    }
  }

  private async join(conn: VoiceConnection): Promise<unknown> {
    if (conn.selected) throw new WebRtcRequestError('already joined');
    conn.browser = true;
    conn.selected = true;
    await this.host.enterRoom(conn);
    const room = conn.room;
    if (!room) throw new WebRtcRequestError('the room is gone');
    const peer = new WebRtcPeer(room, conn.media, this.listen, (event, data) => conn.send(WebRtcOpcodes.Notification, { event, data }));
    conn.webrtc = peer;
    await peer.setDeaf(conn.media.deaf);
    return { router_rtp_capabilities: room.router.rtpCapabilities, ssrc: conn.media.ssrc, producers: peer.producers() };
  }
}
