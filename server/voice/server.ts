import { VoiceCloseCodes, VoiceOpcodes } from 'discord-api-types/voice/v8';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Core } from '../core/core.js';
import type { VoiceStateChange } from '../core/services/voice-states.js';
import { connectionKey, VoiceConnection } from './connection.js';
import { LoopbackMux } from './media/loopback.js';
import { MediaClient } from './media/media-client.js';
import { VoiceRoom } from './media/room.js';
import { RtpCipher, type EncryptionMode } from './media/rtp-crypto.js';
import { VoiceUdpServer, type UdpStats } from './media/udp-server.js';
import type { VoiceSignaling } from './signaling/opcodes.js';
import { VoiceSession } from './signaling/voice-session.js';
import type { TlsSource } from './tls.js';
import { WebRtcBridge } from './webrtc/bridge.js';
import { WorkerPool, type PoolWorker } from './worker-pool.js';

/** How long an Identify waits for a voice state another node published and this one has not heard yet. */
const IDENTIFY_STATE_WAIT_MS = 2000;

export interface VoiceServerOptions {
  core: Core;
  logger: Logger;
  workerBin: string;
  workers: number;
  host: string;
  port: number;
  udpPort: number;
  /** What clients are told: the wss endpoint host and the UDP ip. */
  publicHost: string;
  heartbeatIntervalMs: number;
  modes: readonly EncryptionMode[];
  tls: TlsSource;
  /** How long a connection whose socket dropped waits for a resume. */
  resumeWindowMs?: number;
}

export interface VoiceServerStatus {
  endpoint: string;
  udpPort: number;
  workers: number;
  rooms: number;
  connections: number;
  consumers: number;
  udp: UdpStats;
  /** Process ids of the mediasoup workers (tests kill one to exercise recovery). */
  workerPids: number[];
  /** Rooms on each worker. */
  workerRooms: number[];
}

/**
 * The voice surface: the voice gateway (v4/v8 over TLS on its own port), the UDP media socket,
 * and voice rooms on a pool of mediasoup workers. Voice states come from the core; a state that
 * ends or moves closes its connection with 4014.
 */
export class VoiceServer implements VoiceSignaling {
  private readonly connections = new Map<string, VoiceConnection>();
  private readonly byMedia = new Map<MediaClient, VoiceConnection>();
  private readonly rooms = new Map<string, Promise<VoiceRoom>>();
  private readonly sessions = new Set<VoiceSession>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
  private isClosed = false;
  private unsubscribe: () => void = () => undefined;
  private pool!: WorkerPool;
  private udp!: VoiceUdpServer;
  private mux!: LoopbackMux;
  private https!: Server;
  private readonly webrtcBridge: WebRtcBridge;

  private constructor(private readonly options: VoiceServerOptions) {
    const wildcard = options.host === '0.0.0.0' || options.host === '::';
    this.webrtcBridge = new WebRtcBridge({ enterRoom: (conn) => this.enterRoom(conn), speaking: (conn, s) => this.speaking(conn, s), logger: options.logger }, { ip: options.host, announcedAddress: wildcard ? options.publicHost : undefined });
  }

  get logger(): Logger {
    return this.options.logger;
  }

  get heartbeatIntervalMs(): number {
    return this.options.heartbeatIntervalMs;
  }

  /** Starts workers, the UDP socket and the TLS WebSocket server; on failure stops what started. */
  static async start(options: VoiceServerOptions): Promise<VoiceServer> {
    const server = new VoiceServer(options);
    try {
      server.pool = await WorkerPool.start({ workerBin: options.workerBin, size: options.workers, logger: options.logger, onWorkerDied: (w) => server.onWorkerDied(w) });
      server.mux = await LoopbackMux.open();
      server.udp = await VoiceUdpServer.listen(options.host, options.udpPort, (client, header, payload) => server.byMedia.get(client)?.room?.forward(header, payload));
      const { cert, key } = await options.tls();
      server.https = createServer({ cert, key });
      server.https.on('upgrade', (req, socket, head) => {
        socket.on('error', () => socket.destroy());
        if (server.isClosed) return void socket.destroy();
        server.wss.handleUpgrade(req, socket, head, (ws) => {
          const version = Number(new URL(req.url ?? '/', 'https://voice').searchParams.get('v') ?? '4');
          const session = new VoiceSession(ws, Number.isInteger(version) ? version : 4, server, (s, code) => server.onSessionClosed(s, code));
          server.sessions.add(session);
        });
      });
      server.https.on('request', (_req, res) => res.writeHead(426).end());
      await new Promise<void>((resolve, reject) => {
        server.https.once('error', reject);
        server.https.listen(options.port, options.host, () => resolve());
      });
      server.unsubscribe = options.core.voiceStates.onChange((change) => server.onStateChange(change));
    } catch (err) {
      await server.close();
      throw err;
    }
    return server;
  }

  /** `host:port` for VOICE_SERVER_UPDATE (no scheme: clients prepend `wss://`). */
  get endpoint(): string {
    const address = this.https.address() as AddressInfo | null;
    return `${this.options.publicHost}:${address?.port ?? this.options.port}`;
  }

  get udpPort(): number {
    return this.udp.port;
  }

  get workerPool(): WorkerPool {
    return this.pool;
  }

  status(): VoiceServerStatus {
    let consumers = 0;
    const rooms = new Set<VoiceRoom>();
    for (const conn of this.connections.values()) if (conn.room) rooms.add(conn.room);
    for (const room of rooms) consumers += room.consumerCount;
    return { endpoint: this.endpoint, udpPort: this.udp.port, workers: this.pool.size, rooms: rooms.size, connections: this.connections.size, consumers, udp: structuredClone(this.udp.stats), workerPids: this.pool.pids(), workerRooms: this.pool.loads() };
  }

  /** Whether the user has a voice connection in the guild whose socket is up. */
  connected(guildId: string, userId: string): boolean {
    const conn = this.connections.get(connectionKey(guildId, userId));
    return conn?.session !== undefined && !conn.session.closed;
  }

  async identify(session: VoiceSession, d: { serverId: string; userId: string; sessionId: string; token: string }): Promise<VoiceConnection | undefined> {
    // With several nodes the op 4 may have landed on another node a moment ago: wait briefly for its state.
    const state = await this.options.core.voiceStates.verifySoon(d.serverId, d.userId, d.sessionId, d.token, IDENTIFY_STATE_WAIT_MS);
    if (!state || session.closed || session.conn) return undefined;
    const old = this.connections.get(connectionKey(state.guildId, state.userId));
    if (old) this.drop(old, VoiceCloseCodes.Disconnected);
    let ssrc: number;
    do ssrc = randomInt(1, 2 ** 31);
    while (this.udp.hasSsrc(ssrc));
    const media = new MediaClient(state.userId, state.guildId, ssrc);
    media.canSend = state.canSpeak && !state.mute;
    media.deaf = state.deaf;
    const conn = new VoiceConnection(state, media);
    conn.session = session;
    session.conn = conn;
    this.connections.set(conn.key, conn);
    this.byMedia.set(media, conn);
    this.udp.add(media);
    conn.send(VoiceOpcodes.Ready, { ssrc, ip: this.options.publicHost, port: this.udp.port, modes: [...this.options.modes], heartbeat_interval: this.options.heartbeatIntervalMs, experiments: [], streams: [] });
    return conn;
  }

  resume(session: VoiceSession, d: { serverId: string; sessionId: string; token: string; seqAck: number }): VoiceConnection | undefined {
    const conn = [...this.connections.values()].find((c) => c.state.guildId === d.serverId && c.state.sessionId === d.sessionId);
    if (!conn || !this.options.core.voiceStates.verify(d.serverId, conn.state.userId, d.sessionId, d.token)) return undefined;
    clearTimeout(conn.resumeTimer);
    const previous = conn.session;
    conn.session = session;
    session.conn = conn;
    if (previous && previous !== session) previous.close(VoiceCloseCodes.SessionNoLongerValid, 'Resumed elsewhere');
    session.sendRaw(JSON.stringify({ op: VoiceOpcodes.Resumed, d: null }));
    conn.replay(d.seqAck);
    // A room lost with a dead worker is rebuilt now.
    if (conn.selected && !conn.room) void this.enterRoom(conn);
    return conn;
  }

  async selectProtocol(conn: VoiceConnection, address: string | undefined, port: number | undefined, mode: string): Promise<void> {
    const key = randomBytes(32);
    conn.media.cipher = new RtpCipher(mode as EncryptionMode, key);
    if (!conn.media.remote && address && port) conn.media.remote = { address, port };
    conn.selected = true;
    conn.send(VoiceOpcodes.SessionDescription, { mode, secret_key: [...key], dave_protocol_version: 0, audio_codec: 'opus', video_codec: null, media_session_id: randomBytes(16).toString('hex') });
    await this.enterRoom(conn);
  }

  webrtcRequest(conn: VoiceConnection, requestId: unknown, method: unknown, data: unknown): Promise<void> {
    return this.webrtcBridge.request(conn, requestId, method, data);
  }

  speaking(conn: VoiceConnection, speaking: number): void {
    conn.media.speaking = speaking;
    for (const other of this.peers(conn)) other.send(VoiceOpcodes.Speaking, { user_id: conn.state.userId, ssrc: conn.media.ssrc, speaking });
  }

  /** Stops everything; idempotent. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.unsubscribe();
    for (const conn of [...this.connections.values()]) this.drop(conn, 1001);
    for (const session of [...this.sessions]) session.close(1001, 'Server shutting down');
    for (const room of this.rooms.values()) void room.then((r) => r.close(), () => undefined);
    this.rooms.clear();
    this.udp?.close();
    this.mux?.close();
    this.pool?.close();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    if (this.https?.listening) {
      await new Promise<void>((resolve) => {
        this.https.close(() => resolve());
        this.https.closeAllConnections();
      });
    }
  }

  private async enterRoom(conn: VoiceConnection): Promise<void> {
    const room = await this.roomFor(conn.state.guildId, conn.state.channelId);
    // A move or a drop while the room was being made closed this connection: nothing to join.
    if (this.connections.get(conn.key) !== conn) return;
    conn.room = room;
    await (conn.browser ? room.joinWebRtc(conn.media) : room.join(conn.media));
    // Tell the newcomer who is here (and their SSRCs), and the others that it came.
    const peers = this.peers(conn);
    if (peers.length) conn.send(VoiceOpcodes.ClientsConnect, { user_ids: peers.map((p) => p.state.userId) });
    for (const peer of peers) {
      conn.send(VoiceOpcodes.Speaking, { user_id: peer.state.userId, ssrc: peer.media.ssrc, speaking: peer.media.speaking });
      peer.send(VoiceOpcodes.ClientsConnect, { user_ids: [conn.state.userId] });
    }
  }

  private roomFor(guildId: string, channelId: string): Promise<VoiceRoom> {
    const key = `${guildId}:${channelId}`;
    let room = this.rooms.get(key);
    if (!room) {
      room = this.pool.pick().then((worker) =>
        VoiceRoom.create(worker, this.mux, (to, header, payload) => {
          if (to.cipher) this.udp.send(to, to.cipher.seal(header, payload));
        }),
      );
      this.rooms.set(key, room);
      room.catch(() => this.rooms.get(key) === room && this.rooms.delete(key));
    }
    return room;
  }

  private peers(conn: VoiceConnection): VoiceConnection[] {
    return [...this.connections.values()].filter((c) => c !== conn && c.room !== undefined && c.state.guildId === conn.state.guildId && c.state.channelId === conn.state.channelId);
  }

  /** Ends a connection: its socket, its place in the room, its SSRC. Peers get Client Disconnect. */
  private drop(conn: VoiceConnection, code: number): void {
    if (this.connections.get(conn.key) !== conn) return;
    this.connections.delete(conn.key);
    this.byMedia.delete(conn.media);
    this.udp.remove(conn.media);
    clearTimeout(conn.resumeTimer);
    conn.webrtc?.close();
    const room = conn.room;
    conn.room = undefined;
    if (room) {
      void room.leave(conn.media).then(() => this.closeIfEmpty(room));
      for (const peer of this.peers(conn)) peer.send(VoiceOpcodes.ClientDisconnect, { user_id: conn.state.userId });
    }
    const session = conn.session;
    conn.session = undefined;
    session?.close(code, code === VoiceCloseCodes.Disconnected ? 'Disconnected' : '');
  }

  private closeIfEmpty(room: VoiceRoom): void {
    if (room.size > 0) return;
    for (const [key, value] of this.rooms) {
      void value.then((r) => {
        if (r === room && r.size === 0 && this.rooms.get(key) === value) {
          this.rooms.delete(key);
          r.close();
        }
      });
    }
  }

  private onSessionClosed(session: VoiceSession, code: number | undefined): void {
    this.sessions.delete(session);
    const conn = session.conn;
    if (!conn || conn.session !== session) return;
    // Closes we chose that allow a resume (4015) and plain drops keep the connection a while.
    if (code === undefined || code === VoiceCloseCodes.VoiceServerCrashed || code < 4000) {
      conn.session = undefined;
      conn.resumeTimer = setTimeout(() => this.drop(conn, VoiceCloseCodes.SessionTimeout), this.options.resumeWindowMs ?? 30_000);
      conn.resumeTimer.unref();
    } else {
      conn.session = undefined;
      this.drop(conn, code);
    }
  }

  private onStateChange({ before, after }: VoiceStateChange): void {
    if (!before) return;
    const conn = this.connections.get(connectionKey(before.guildId, before.userId));
    if (!conn) return;
    if (!after || after.channelId !== before.channelId || after.sessionId !== before.sessionId) {
      this.drop(conn, VoiceCloseCodes.Disconnected);
      return;
    }
    conn.state = after;
    conn.media.canSend = after.canSpeak && !after.mute;
    conn.media.deaf = after.deaf;
    void conn.webrtc?.setCanSend(conn.media.canSend).catch(() => undefined);
    void conn.webrtc?.setDeaf(conn.media.deaf).catch(() => undefined);
  }

  /** A dead worker's rooms are gone: their clients reconnect (4015 → resume) into rooms rebuilt elsewhere. */
  private onWorkerDied(worker: PoolWorker): void {
    for (const [key, value] of [...this.rooms]) {
      void value.then((room) => {
        if (room.worker !== worker) return;
        if (this.rooms.get(key) === value) this.rooms.delete(key);
        room.close();
        for (const conn of this.connections.values()) {
          if (conn.room !== room) continue;
          conn.room = undefined;
          // A browser's transports died with the router: after its resume it sends `join` again.
          if (conn.browser) {
            conn.webrtc?.close();
            conn.selected = false;
          }
          conn.session?.close(VoiceCloseCodes.VoiceServerCrashed, 'Voice server crashed');
        }
      }, () => undefined);
    }
  }
}
