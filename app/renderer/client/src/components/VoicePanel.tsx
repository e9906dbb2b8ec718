// The voice connection above the user panel: status (connecting, connected, failed with the
// reason), the channel, leave; and the mute/deafen toggles of the user panel. State comes from
// the session's VoiceController; the voice code itself loads only when a channel is joined.
import { useVoice } from '../store/voice-hooks';
import type { VoiceController } from '../voice/controller';

const STATUS_TEXT = { idle: '', connecting: 'Connecting…', connected: 'Voice Connected' } as const;

export function VoicePanel({ controller, channelName }: { controller: VoiceController; channelName: string | undefined }) {
  const status = useVoice(controller, (s) => s.status);
  const error = useVoice(controller, (s) => s.error);
  const microphoneError = useVoice(controller, (s) => s.microphoneError);
  const dropped = useVoice(controller, (s) => s.dropped);
  if (status === 'idle') return null;
  return (
    <section className={`voice-status voice-${status}`} aria-label="Voice">
      <div className="voice-status-row">
        <div role="status" aria-label="Voice connection" className="voice-status-text">
          <strong className={status === 'connected' ? 'voice-ok' : status === 'error' ? 'voice-bad' : 'voice-wait'}>{status === 'error' ? (dropped ? 'Voice Disconnected' : 'Could Not Join') : STATUS_TEXT[status]}</strong>
          <span className="muted small">{channelName ?? 'Voice channel'}</span>
        </div>
        {status === 'error' ? (
          <button className="icon-btn" aria-label="Dismiss voice error" title="Dismiss" onClick={() => controller.dismiss()}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="m6.4 5 5.6 5.6L17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z" /></svg>
          </button>
        ) : (
          <button className="icon-btn danger" aria-label="Disconnect from voice" title="Disconnect" onClick={() => controller.leave()}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 9c-3 0-6 1-8.6 3a1.2 1.2 0 0 0 0 1.7l2 2a1 1 0 0 0 1.3.1l2.3-1.6V11c1.9-.6 4.1-.6 6 0v3.2l2.3 1.6a1 1 0 0 0 1.3-.1l2-2a1.2 1.2 0 0 0 0-1.7C18 10 15 9 12 9Z" /></svg>
          </button>
        )}
      </div>
      {error ? (
        <p className="voice-error" role="alert">
          {error}
        </p>
      ) : null}
      {microphoneError && status === 'connected' ? (
        <p className="voice-warning" role="alert">
          No microphone: you can listen but not speak ({microphoneError}).
        </p>
      ) : null}
    </section>
  );
}

/** Mute and deafen toggles (shown in the user panel while in voice). Also sent as self_mute/self_deaf. */
export function VoiceToggles({ controller }: { controller: VoiceController }) {
  const active = useVoice(controller, (s) => s.status === 'connecting' || s.status === 'connected');
  const muted = useVoice(controller, (s) => s.muted);
  const deafened = useVoice(controller, (s) => s.deafened);
  if (!active) return null;
  const micOff = muted || deafened;
  return (
    <>
      <button className={`icon-btn${micOff ? ' danger' : ''}`} aria-label="Mute" aria-pressed={micOff} title={micOff ? 'Unmute' : 'Mute'} onClick={() => controller.setMuted(!micOff)}>
        {micOff ? (
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2a3 3 0 0 0-3 3v4.2l6 6V5a3 3 0 0 0-3-3ZM3.3 2.3 2 3.6l5 5V11a5 5 0 0 0 7.3 4.4l1.5 1.5A7 7 0 0 1 5 11H3a9 9 0 0 0 8 8.9V23h2v-3.1a9 9 0 0 0 4.3-1.6l3.1 3.1 1.3-1.3L3.3 2.3ZM19 11h-2c0 .9-.2 1.7-.6 2.5l1.5 1.5A7 7 0 0 0 19 11Z" /></svg>
        ) : (
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V5a3 3 0 0 0-3-3Zm-7 9h2a5 5 0 0 0 10 0h2a7 7 0 0 1-6 6.9V21h-2v-3.1A7 7 0 0 1 5 11Z" /></svg>
        )}
      </button>
      <button className={`icon-btn${deafened ? ' danger' : ''}`} aria-label="Deafen" aria-pressed={deafened} title={deafened ? 'Undeafen' : 'Deafen'} onClick={() => controller.setDeafened(!deafened)}>
        {deafened ? (
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3.3 2.3 2 3.6l3 3A8.9 8.9 0 0 0 3 12v6a3 3 0 0 0 3 3h2v-8H5v-1c0-1.3.3-2.5 1-3.6l10 10V21h2c.4 0 .7 0 1-.2l1.4 1.5 1.3-1.3L3.3 2.3ZM12 3c-1.8 0-3.4.5-4.8 1.4l1.4 1.5A7 7 0 0 1 19 12v1h-3v.8l5 5V12a9 9 0 0 0-9-9Z" /></svg>
        ) : (
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3a9 9 0 0 0-9 9v6a3 3 0 0 0 3 3h2v-8H5v-1a7 7 0 0 1 14 0v1h-3v8h2a3 3 0 0 0 3-3v-6a9 9 0 0 0-9-9Z" /></svg>
        )}
      </button>
    </>
  );
}
