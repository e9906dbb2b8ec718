// Who is speaking, measured in the browser: the RMS level of each audio track (the local
// microphone and every remote consumer's track) through a WebAudio AnalyserNode, polled a few
// times a second with hysteresis so a word does not flicker the indicator.

const POLL_MS = 100;
/** Samples per level slice (~21 ms at 48 kHz). */
const SLICE = 1024;

/** The RMS level of the loudest SLICE-sample slice of `samples`. */
function loudestSlice(samples: Float32Array): number {
  let loudest = 0;
  for (let start = 0; start < samples.length; start += SLICE) {
    let sum = 0;
    const end = Math.min(samples.length, start + SLICE);
    for (let i = start; i < end; i++) sum += samples[i]! * samples[i]!;
    loudest = Math.max(loudest, Math.sqrt(sum / (end - start)));
  }
  return loudest;
}
/** Quiet for this long after the last loud sample: stopped speaking. */
const HANG_MS = 400;

interface Meter {
  source: MediaStreamAudioSourceNode;
  analyser: AnalyserNode;
  buffer: Float32Array<ArrayBuffer>;
  speaking: boolean;
  lastLoud: number;
  /** Muted (local mic) or deafened: reported as not speaking whatever the level. */
  silenced: boolean;
}

export class SpeakingMeter {
  private readonly context: AudioContext;
  private readonly meters = new Map<string, Meter>();
  private readonly timer: ReturnType<typeof setInterval>;
  private isClosed = false;

  constructor(
    private readonly threshold: number,
    private readonly onChange: (userId: string, speaking: boolean) => void,
  ) {
    this.context = new AudioContext();
    // Created after an await, the context may start suspended; the user clicked to join, so resuming is allowed.
    void this.context.resume().catch(() => undefined);
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }


  /** Measures `track` as the voice of `userId` (replacing an earlier track of that user). */
  add(userId: string, track: MediaStreamTrack): void {
    if (this.isClosed) return;
    this.remove(userId);
    const source = this.context.createMediaStreamSource(new MediaStream([track]));
    const analyser = this.context.createAnalyser();
    // About 85 ms of samples at 48 kHz: most of each 100 ms poll interval is seen, so a short
    // sound between two polls is not missed (1024 samples saw only a fifth of it). The level is the
    // loudest ~21 ms slice of it, so a short sound is not averaged away by the quiet around it.
    analyser.fftSize = SLICE * 4;
    source.connect(analyser);
    this.meters.set(userId, { source, analyser, buffer: new Float32Array(analyser.fftSize), speaking: false, lastLoud: 0, silenced: false });
  }

  remove(userId: string): void {
    const meter = this.meters.get(userId);
    if (!meter) return;
    meter.source.disconnect();
    this.meters.delete(userId);
    if (meter.speaking) this.onChange(userId, false);
  }

  /** A silenced user is reported as not speaking (muted microphone; deafened, for the others). */
  setSilenced(userId: string, silenced: boolean): void {
    const meter = this.meters.get(userId);
    if (meter) meter.silenced = silenced;
    this.poll();
  }

  isSpeaking(userId: string): boolean {
    return this.meters.get(userId)?.speaking ?? false;
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.timer);
    for (const userId of [...this.meters.keys()]) this.remove(userId);
    void this.context.close().catch(() => undefined);
  }

  private poll(): void {
    if (this.isClosed) return;
    const now = performance.now();
    for (const [userId, meter] of this.meters) {
      meter.analyser.getFloatTimeDomainData(meter.buffer);
      const level = loudestSlice(meter.buffer);
      if (level >= this.threshold && !meter.silenced) meter.lastLoud = now;
      const speaking = !meter.silenced && now - meter.lastLoud < HANG_MS;
      if (speaking !== meter.speaking) {
        meter.speaking = speaking;
        this.onChange(userId, speaking);
      }
    }
  }
}
