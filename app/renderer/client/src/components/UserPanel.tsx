import { displayName } from '../api/types';
import { navigate } from '../router';
import { useChat, useSession } from '../store/context';
import { Avatar } from './ui';

/**
 * Bottom of the channel column: the voice connection (when joined) and who is signed in.
 * The voice helper's panel replaces the voice part; mute, deafen and leave go through the session.
 */
export function UserPanel() {
  const session = useSession();
  const me = useChat((s) => s.me);
  const voice = useChat((_s, sess) => sess.voice);
  const voiceChannel = useChat((s) => (voice ? s.guilds.get(voice.guildId)?.channels.find((c) => c.id === voice.channelId) : undefined));
  return (
    <div className="user-panel-wrap">
      {voice ? (
        <div className="voice-status" role="status" aria-label="Voice connection">
          <div>
            <strong className="voice-ok">Voice Connected</strong>
            <span className="muted small">{voiceChannel?.name ?? 'Voice channel'}</span>
          </div>
          <button className="icon-btn danger" aria-label="Disconnect from voice" title="Disconnect" onClick={() => session.leaveVoice()}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 9c-3 0-6 1-8.6 3a1.2 1.2 0 0 0 0 1.7l2 2a1 1 0 0 0 1.3.1l2.3-1.6V11c1.9-.6 4.1-.6 6 0v3.2l2.3 1.6a1 1 0 0 0 1.3-.1l2-2a1.2 1.2 0 0 0 0-1.7C18 10 15 9 12 9Z" /></svg>
          </button>
        </div>
      ) : null}
      <div className="user-panel">
        <Avatar user={me ?? undefined} size={32} />
        <div className="user-names">
          <strong>{displayName(me ?? undefined)}</strong>
          <span className="muted small">{me?.username}</span>
        </div>
        {voice ? (
          <>
            <button className={`icon-btn${voice.selfMute ? ' danger' : ''}`} aria-label={voice.selfMute ? 'Unmute' : 'Mute'} aria-pressed={voice.selfMute} title={voice.selfMute ? 'Unmute' : 'Mute'} onClick={() => session.setSelfMute(!voice.selfMute)}>
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V5a3 3 0 0 0-3-3Zm-7 9h2a5 5 0 0 0 10 0h2a7 7 0 0 1-6 6.9V21h-2v-3.1A7 7 0 0 1 5 11Z" /></svg>
            </button>
            <button className={`icon-btn${voice.selfDeaf ? ' danger' : ''}`} aria-label={voice.selfDeaf ? 'Undeafen' : 'Deafen'} aria-pressed={voice.selfDeaf} title={voice.selfDeaf ? 'Undeafen' : 'Deafen'} onClick={() => session.setSelfDeaf(!voice.selfDeaf)}>
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3a9 9 0 0 0-9 9v6a3 3 0 0 0 3 3h2v-8H5v-1a7 7 0 0 1 14 0v1h-3v8h2a3 3 0 0 0 3-3v-6a9 9 0 0 0-9-9Z" /></svg>
            </button>
          </>
        ) : null}
        <button className="icon-btn" aria-label="User settings" title="User settings" onClick={() => navigate('/settings')}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M19.4 13a7.5 7.5 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7 7 0 0 0-1.7-1L15 3h-4l-.4 2.9a7 7 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.5 7.5 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7 7 0 0 0 1.7 1L11 21h4l.4-2.9a7 7 0 0 0 1.7-1l2.5 1 2-3.5-2.2-1.6ZM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7Z" /></svg>
        </button>
      </div>
    </div>
  );
}
