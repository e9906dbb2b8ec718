// The page side of test/compat/web-voice.test.ts: the web client's own voice module
// (app/renderer/client/src/voice), bundled with esbuild, exposed as `hearthWebVoice`.
import { connectVoice, type VoiceCall, type VoiceOptions, type VoiceServerInfo } from '../../app/renderer/client/src/voice/index';

let call: (VoiceCall & { readonly microphoneError: string | undefined }) | undefined;
const speaking: { userId: string; speaking: boolean; at: number }[] = [];
const closes: { code: number; reason: string; byClient: boolean }[] = [];

(window as any).hearthWebVoice = {
  async start(info: VoiceServerInfo, options: VoiceOptions = {}) {
    try {
      call = await connectVoice(info, options);
    } catch (err: any) {
      return { error: String(err?.message ?? err), code: err?.code as number | undefined };
    }
    call.onSpeaking((userId, s) => speaking.push({ userId, speaking: s, at: Date.now() }));
    call.on('closed', (c) => closes.push(c));
    return { microphoneError: call.microphoneError, ...(await call.getStats()) };
  },
  stats: () => call!.getStats(),
  setMuted: (m: boolean) => call!.setMuted(m),
  setDeafened: (d: boolean) => call!.setDeafened(d),
  state: () => ({ closed: call?.closed, muted: call?.muted, deafened: call?.deafened, peers: call?.peers, speaking, closes }),
  close: () => call?.close(),
  /** getStats after close must refuse with InvalidStateError. */
  async statsAfterClose() {
    try {
      await call!.getStats();
      return 'resolved';
    } catch (err: any) {
      return String(err?.name);
    }
  },
};
