// The page side of test/compat/voice-browser.test.ts: mediasoup-client over Hearth's voice
// gateway (ops 100-102, docs/voice.md "Browsers"). Bundled with esbuild and added to a page;
// it exposes `hearthVoice` on window.
import { Device, type types } from 'mediasoup-client';

interface Join {
  endpoint: string;
  serverId: string;
  userId: string;
  sessionId: string;
  token: string;
  /** Drop the UDP ICE candidates, as if UDP were blocked: the TCP fallback must carry the media. */
  tcpOnly?: boolean;
}

interface Received {
  consumerId: string;
  userId: string;
  consumer: types.Consumer;
}

function client(join: Join) {
  const ws = new WebSocket(`wss://${join.endpoint}?v=8`);
  const pending = new Map<number, { resolve: (d: any) => void; reject: (e: Error) => void }>();
  const listeners: ((event: string, data: any) => void)[] = [];
  const closes: number[] = [];
  let nextId = 1;
  let seq = -1;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const ready = new Promise<any>((resolve, reject) => {
    ws.onclose = (e) => {
      closes.push(e.code);
      clearInterval(heartbeat);
      reject(new Error(`voice socket closed ${e.code}`));
      for (const p of pending.values()) p.reject(new Error(`voice socket closed ${e.code}`));
    };
    ws.onmessage = (e) => {
      const msg = JSON.parse(String(e.data));
      if (typeof msg.seq === 'number') seq = msg.seq;
      if (msg.op === 8) {
        heartbeat = setInterval(() => ws.send(JSON.stringify({ op: 3, d: { t: Date.now(), seq_ack: seq } })), msg.d.heartbeat_interval);
        ws.send(JSON.stringify({ op: 0, d: { server_id: join.serverId, user_id: join.userId, session_id: join.sessionId, token: join.token } }));
      } else if (msg.op === 2) resolve(msg.d);
      else if (msg.op === 101) {
        const p = pending.get(msg.d.request_id);
        pending.delete(msg.d.request_id);
        if (msg.d.ok) p?.resolve(msg.d.data);
        else p?.reject(new Error(msg.d.error));
      } else if (msg.op === 102) for (const l of listeners) l(msg.d.event, msg.d.data);
    };
  });
  const request = (method: string, data: unknown = {}): Promise<any> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ op: 100, d: { request_id: id, method, data } }));
    });
  return { ready, request, listeners, closes, close: () => ws.close(1000) };
}

async function start(join: Join) {
  const voice = client(join);
  const readyData = await voice.ready;
  const received: Received[] = [];
  const queued: { producer_id: string; user_id: string }[] = [];
  /** Set once the recv transport exists; until then new producers wait in `queued`. */
  const later: { one?: (p: { producer_id: string; user_id: string }) => Promise<void> } = {};
  voice.listeners.push((event, data) => {
    if (event !== 'newProducer') return;
    if (later.one) void later.one(data);
    else queued.push(data);
  });
  const joined = await voice.request('join');
  const device = new Device();
  await device.load({ routerRtpCapabilities: joined.router_rtp_capabilities });

  const transport = async (direction: 'send' | 'recv') => {
    const info = await voice.request('createTransport', { direction });
    if (join.tcpOnly) info.iceCandidates = info.iceCandidates.filter((c: { protocol: string }) => c.protocol === 'tcp');
    const t = direction === 'send' ? device.createSendTransport(info) : device.createRecvTransport(info);
    t.on('connect', ({ dtlsParameters }, done, fail) => {
      voice.request('connectTransport', { transport_id: t.id, dtls_parameters: dtlsParameters }).then(() => done(), fail);
    });
    return t;
  };
  const send = await transport('send');
  const recv = await transport('recv');
  send.on('produce', ({ kind, rtpParameters }, done, fail) => {
    voice.request('produce', { transport_id: send.id, kind, rtp_parameters: rtpParameters }).then((r) => done({ id: r.producer_id }), fail);
  });

  const consumeOne = async (p: { producer_id: string; user_id: string }) => {
    const c = await voice.request('consume', { transport_id: recv.id, producer_id: p.producer_id, rtp_capabilities: device.recvRtpCapabilities });
    const consumer = await recv.consume({ id: c.id, producerId: c.producerId, kind: c.kind, rtpParameters: c.rtpParameters });
    await voice.request('resumeConsumer', { consumer_id: c.id });
    const audio = new Audio();
    audio.srcObject = new MediaStream([consumer.track]);
    void audio.play().catch(() => undefined);
    received.push({ consumerId: c.id, userId: c.user_id, consumer });
  };
  later.one = consumeOne;
  for (const p of [...joined.producers, ...queued.splice(0)]) await consumeOne(p);

  const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
  const producer = await send.produce({ track: mic.getAudioTracks()[0]! });

  /** inbound-rtp packetsReceived per consumer (with the user it comes from) and outbound-rtp packetsSent. */
  const stats = async () => {
    const inbound: { userId: string; producerId: string; packetsReceived: number }[] = [];
    for (const r of received) {
      let packetsReceived = 0;
      (await r.consumer.getStats()).forEach((s: any) => {
        if (s.type === 'inbound-rtp') packetsReceived += s.packetsReceived ?? 0;
      });
      inbound.push({ userId: r.userId, producerId: r.consumer.producerId, packetsReceived });
    }
    let packetsSent = 0;
    (await producer.getStats()).forEach((s: any) => {
      if (s.type === 'outbound-rtp') packetsSent += s.packetsSent ?? 0;
    });
    // The protocol of the remote candidate each selected pair uses (what carries the media).
    const protocols = new Set<string>();
    for (const t of [send, recv]) {
      const report = await t.getStats();
      report.forEach((s: any) => {
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') protocols.add(report.get(s.remoteCandidateId)?.protocol);
      });
    }
    return { inbound, packetsSent, protocols: [...protocols], ssrc: readyData.ssrc as number, producerId: producer.id, closes: voice.closes, iceState: recv.connectionState };
  };
  return { stats, close: () => voice.close() };
}

let session: Awaited<ReturnType<typeof start>> | undefined;
(window as any).hearthVoice = {
  async start(join: Join) {
    session = await start(join);
    return session.stats();
  },
  stats: () => session!.stats(),
  close: () => session?.close(),
};
