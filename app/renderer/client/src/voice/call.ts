// One voice call of the web client: a mediasoup-client Device over VoiceSignaling, a send
// transport carrying the microphone and a receive transport consuming everyone else, with
// mute, deafen, speaking levels and stats. Owns everything it creates; close() releases it all.
import { Device, type types } from 'mediasoup-client';
import { Emitter } from './emitter';
import { type NewProducer, VoiceSignaling } from './signaling';
import { SpeakingMeter } from './speaking';
import type { VoiceCall, VoiceCallEvents, VoiceCloseInfo, VoiceOptions, VoiceServerInfo, VoiceStats } from './types';

interface TransportInfo {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

interface Joined {
  router_rtp_capabilities: types.RtpCapabilities;
  ssrc: number;
  producers: NewProducer[];
}

interface ConsumeAnswer {
  id: string;
  producerId: string;
  kind: 'audio';
  rtpParameters: types.RtpParameters;
  user_id: string;
}

interface Remote {
  userId: string;
  consumer: types.Consumer;
  audio: HTMLAudioElement;
}

const DEFAULT_THRESHOLD = 0.02;

export class WebVoiceCall implements VoiceCall {
  private readonly events = new Emitter<VoiceCallEvents>();
  private readonly device = new Device();
  private readonly remotes = new Map<string, Remote>();
  private readonly meter: SpeakingMeter;
  private send?: types.Transport;
  private recv?: types.Transport;
  private producer?: types.Producer;
  private microphone?: MediaStream;
  private ssrc = 0;
  private selfMuted: boolean;
  private selfDeafened: boolean;
  private isClosed = false;
  /** Op 5 flags of the others; a user speaks when its level or its op 5 says so. */
  private readonly serverSpeaking = new Map<string, boolean>();
  /** The speaking state last reported per user. */
  private readonly reported = new Map<string, boolean>();
  /** Producers announced before the receive transport existed. */
  private readonly queued: NewProducer[] = [];
  /** Why the microphone could not be used (the call then only listens). */
  microphoneError: string | undefined;

  private constructor(
    private readonly info: VoiceServerInfo,
    private readonly signaling: VoiceSignaling,
    private readonly options: VoiceOptions,
  ) {
    this.selfMuted = options.muted ?? false;
    this.selfDeafened = options.deafened ?? false;
    this.meter = new SpeakingMeter(options.speakingThreshold ?? DEFAULT_THRESHOLD, (userId, speaking) => {
      if (userId === this.info.userId) this.signaling.speaking(this.ssrc, speaking);
      this.updateSpeaking(userId);
    });
    signaling.on('speaking', ({ user_id, speaking }) => {
      this.serverSpeaking.set(user_id, speaking);
      this.updateSpeaking(user_id);
    });
    signaling.on('clientDisconnect', ({ user_id }) => {
      this.serverSpeaking.delete(user_id);
      this.updateSpeaking(user_id);
    });
    signaling.on('newProducer', (p) => {
      if (this.recv) void this.consume(p);
      else this.queued.push(p);
    });
    signaling.on('consumerClosed', (c) => this.dropRemote(c.consumer_id));
    signaling.on('closed', ({ code, reason }) => this.finish({ code, reason, byClient: false }));
  }

  /** Connects, joins the room, sends the microphone and consumes everyone already there. */
  static async connect(info: VoiceServerInfo, options: VoiceOptions = {}): Promise<WebVoiceCall> {
    const call = new WebVoiceCall(info, new VoiceSignaling(info), options);
    try {
      await call.start();
      return call;
    } catch (err) {
      call.close();
      throw err;
    }
  }

  get closed(): boolean {
    return this.isClosed;
  }
  get muted(): boolean {
    return this.selfMuted || this.selfDeafened;
  }
  get deafened(): boolean {
    return this.selfDeafened;
  }
  get userId(): string {
    return this.info.userId;
  }
  get peers(): readonly string[] {
    return [...new Set([...this.remotes.values()].map((r) => r.userId))];
  }

  async setMuted(muted: boolean): Promise<void> {
    this.assertOpen();
    this.selfMuted = muted;
    await this.applyMute();
  }

  async setDeafened(deafened: boolean): Promise<void> {
    this.assertOpen();
    this.selfDeafened = deafened;
    for (const remote of this.remotes.values()) {
      remote.audio.muted = deafened;
      this.meter.setSilenced(remote.userId, deafened);
    }
    for (const userId of this.serverSpeaking.keys()) this.updateSpeaking(userId);
    await this.applyMute();
  }

  onSpeaking(listener: (userId: string, speaking: boolean) => void): () => void {
    return this.events.on('speaking', ({ userId, speaking }) => listener(userId, speaking));
  }

  on<K extends keyof VoiceCallEvents>(event: K, listener: (value: VoiceCallEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  async getStats(): Promise<VoiceStats> {
    this.assertOpen();
    const inbound: VoiceStats['inbound'] = [];
    for (const remote of this.remotes.values()) {
      let packetsReceived = 0;
      (await remote.consumer.getStats()).forEach((s: { type: string; packetsReceived?: number }) => {
        if (s.type === 'inbound-rtp') packetsReceived += s.packetsReceived ?? 0;
      });
      inbound.push({ userId: remote.userId, producerId: remote.consumer.producerId, packetsReceived });
    }
    let packetsSent = 0;
    if (this.producer && !this.producer.closed) {
      (await this.producer.getStats()).forEach((s: { type: string; packetsSent?: number }) => {
        if (s.type === 'outbound-rtp') packetsSent += s.packetsSent ?? 0;
      });
    }
    const protocols = new Set<string>();
    for (const transport of [this.send, this.recv]) {
      if (!transport || transport.closed) continue;
      const report = await transport.getStats();
      report.forEach((s: { type: string; nominated?: boolean; state?: string; remoteCandidateId?: string }) => {
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
          const protocol = (report.get(s.remoteCandidateId ?? '') as { protocol?: string } | undefined)?.protocol;
          if (protocol) protocols.add(protocol);
        }
      });
    }
    return { inbound, packetsSent, protocols: [...protocols].sort(), ssrc: this.ssrc };
  }

  close(): void {
    this.finish({ code: 1000, reason: 'Left the voice channel.', byClient: true });
  }

  private async start(): Promise<void> {
    ({ ssrc: this.ssrc } = await this.signaling.ready);
    const joined = await this.signaling.request<Joined>('join');
    await this.device.load({ routerRtpCapabilities: joined.router_rtp_capabilities });
    this.send = await this.transport('send');
    this.recv = await this.transport('recv');
    const send = this.send;
    send.on('produce', ({ kind, rtpParameters }, done, fail) => {
      this.signaling
        .request<{ producer_id: string }>('produce', { transport_id: send.id, kind, rtp_parameters: rtpParameters })
        .then((r) => done({ id: r.producer_id }), fail);
    });
    for (const p of [...joined.producers, ...this.queued.splice(0)]) await this.consume(p);
    await this.startMicrophone();
  }

  private async transport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const info = await this.signaling.request<TransportInfo>('createTransport', { direction });
    if (this.options.tcpOnly) info.iceCandidates = info.iceCandidates.filter((c) => c.protocol === 'tcp');
    const transport = direction === 'send' ? this.device.createSendTransport(info) : this.device.createRecvTransport(info);
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      this.signaling.request('connectTransport', { transport_id: transport.id, dtls_parameters: dtlsParameters }).then(() => done(), fail);
    });
    transport.on('connectionstatechange', (state) => {
      if (state === 'failed') this.finish({ code: 0, reason: 'The voice media connection failed.', byClient: false });
    });
    return transport;
  }

  private async startMicrophone(): Promise<void> {
    try {
      this.microphone = await (this.options.microphone ?? (() => navigator.mediaDevices.getUserMedia({ audio: true })))();
    } catch (err) {
      // No microphone or no permission: the call still listens; the UI shows why it cannot speak.
      this.microphoneError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return;
    }
    const track = this.microphone.getAudioTracks()[0];
    if (!track || this.isClosed) return;
    this.meter.add(this.info.userId, track);
    // zeroRtpOnPause: a paused producer sends nothing at all (not comfort noise), so mute is real.
    this.producer = await this.send!.produce({ track, zeroRtpOnPause: true, disableTrackOnPause: true, stopTracks: false });
    await this.applyMute();
  }

  private async consume(p: NewProducer): Promise<void> {
    const recv = this.recv;
    if (this.isClosed || !recv) return;
    try {
      const c = await this.signaling.request<ConsumeAnswer>('consume', { transport_id: recv.id, producer_id: p.producer_id, rtp_capabilities: this.device.recvRtpCapabilities });
      const consumer = await recv.consume({ id: c.id, producerId: c.producerId, kind: c.kind, rtpParameters: c.rtpParameters });
      await this.signaling.request('resumeConsumer', { consumer_id: c.id });
      if (this.isClosed) return;
      const audio = new Audio();
      audio.autoplay = true;
      audio.muted = this.selfDeafened;
      audio.srcObject = new MediaStream([consumer.track]);
      void audio.play().catch(() => undefined);
      this.remotes.set(c.id, { userId: c.user_id, consumer, audio });
      this.meter.add(c.user_id, consumer.track);
      this.meter.setSilenced(c.user_id, this.selfDeafened);
      this.events.emit('peerAudio', { userId: c.user_id, present: true });
    } catch (err) {
      // A producer that closed while we were consuming it: nothing to hear, nothing broken.
      if (!this.isClosed) console.warn('voice: could not consume', p, err);
    }
  }

  private dropRemote(consumerId: string): void {
    const remote = this.remotes.get(consumerId);
    if (!remote) return;
    this.remotes.delete(consumerId);
    this.stopRemote(remote);
    if (![...this.remotes.values()].some((r) => r.userId === remote.userId)) {
      this.meter.remove(remote.userId);
      this.events.emit('peerAudio', { userId: remote.userId, present: false });
    }
  }

  private stopRemote(remote: Remote): void {
    remote.consumer.close();
    remote.audio.pause();
    remote.audio.srcObject = null;
  }

  /** Reports a change of `userId`'s speaking: its level or its op 5; nobody else speaks for a deafened user. */
  private updateSpeaking(userId: string): void {
    if (this.isClosed) return;
    const self = userId === this.info.userId;
    const speaking = self ? this.meter.isSpeaking(userId) : !this.selfDeafened && (this.meter.isSpeaking(userId) || (this.serverSpeaking.get(userId) ?? false));
    if ((this.reported.get(userId) ?? false) === speaking) return;
    this.reported.set(userId, speaking);
    this.events.emit('speaking', { userId, speaking });
  }

  private async applyMute(): Promise<void> {
    const muted = this.muted;
    this.meter.setSilenced(this.info.userId, muted);
    const producer = this.producer;
    if (!producer || producer.closed) return;
    if (muted && !producer.paused) producer.pause();
    else if (!muted && producer.paused) producer.resume();
  }

  private assertOpen(): void {
    if (this.isClosed) throw new DOMException('The voice call is closed.', 'InvalidStateError');
  }

  private finish(info: VoiceCloseInfo): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.meter.close();
    for (const remote of this.remotes.values()) this.stopRemote(remote);
    this.remotes.clear();
    this.producer?.close();
    this.send?.close();
    this.recv?.close();
    for (const track of this.microphone?.getTracks() ?? []) track.stop();
    this.signaling.close();
    this.events.emit('closed', info);
    this.events.removeAll();
  }
}
