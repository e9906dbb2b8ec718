import { displayName } from '../api/types';
import { navigate } from '../router';
import { useChat, useSession } from '../store/context';
import { useVoice } from '../store/voice-hooks';
import { Avatar } from './ui';
import { VoicePanel, VoiceToggles } from './VoicePanel';

/**
 * Bottom of the channel column: the voice connection (when joined) and who is signed in.
 * Voice state, leave, mute and deafen come from the session's VoiceController (VoicePanel.tsx).
 */
export function UserPanel() {
  const session = useSession();
  const me = useChat((s) => s.me);
  const controller = session.voiceCall;
  const where = useVoice(controller, (v) => (v.guildId && v.channelId ? `${v.guildId}/${v.channelId}` : null));
  const voiceChannel = useChat((s) => {
    if (!where) return undefined;
    const [guildId, channelId] = where.split('/');
    return s.guilds.get(guildId!)?.channels.find((c) => c.id === channelId);
  });
  return (
    <div className="user-panel-wrap">
      <VoicePanel controller={controller} channelName={voiceChannel?.name} />
      <div className="user-panel">
        <Avatar user={me ?? undefined} size={32} />
        <div className="user-names">
          <strong>{displayName(me ?? undefined)}</strong>
          <span className="muted small">{me?.username}</span>
        </div>
        <VoiceToggles controller={controller} />
        <button className="icon-btn" aria-label="User settings" title="User settings" onClick={() => navigate('/settings')}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M19.4 13a7.5 7.5 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7 7 0 0 0-1.7-1L15 3h-4l-.4 2.9a7 7 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.5 7.5 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7 7 0 0 0 1.7 1L11 21h4l.4-2.9a7 7 0 0 0 1.7-1l2.5 1 2-3.5-2.2-1.6ZM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7Z" /></svg>
        </button>
      </div>
    </div>
  );
}
