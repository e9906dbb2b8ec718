import { useEffect } from 'react';
import { ChannelType } from '../api/types';
import { ChannelSidebar } from '../components/ChannelSidebar';
import { ChannelPane } from '../components/ChannelPane';
import { GuildBar } from '../components/GuildBar';
import { MemberList } from '../components/MemberList';
import { sortedChannels } from '../components/channel-order';
import { navigate } from '../router';
import { useChat } from '../store/context';
import { channelPermissions, has, Perm } from '../store/permissions';

/** The three columns (guilds, channels, messages) and the member list. */
export function ChatView({ guildId, channelId }: { guildId: string | null; channelId: string | null }) {
  const guildOrder = useChat((s) => s.guildOrder);
  const guild = useChat((s) => (guildId ? s.guilds.get(guildId) : undefined));
  const me = useChat((s) => s.me);
  const status = useChat((_s, session) => session.gatewayStatus);
  const detail = useChat((_s, session) => session.gatewayDetail);

  // No guild chosen: the first one. A guild without a channel chosen: its first readable text channel.
  useEffect(() => {
    if (!guildId && guildOrder[0]) navigate(`/channels/${guildOrder[0]}`, true);
  }, [guildId, guildOrder]);
  useEffect(() => {
    if (!guild || !me || (channelId && guild.channels.some((c) => c.id === channelId))) return;
    const first = sortedChannels(guild.channels).find((c) => c.type === ChannelType.Text && has(channelPermissions(guild, c, me.id), Perm.ViewChannel));
    if (first) navigate(`/channels/${guild.id}/${first.id}`, true);
  }, [guild, me, channelId]);

  const channel = guild?.channels.find((c) => c.id === channelId);
  return (
    <div className="chat-layout">
      <GuildBar activeId={guildId} />
      <ChannelSidebar guild={guild} activeChannelId={channelId} />
      <main className="channel-main" aria-label="Messages">
        {status !== 'ready' && status !== 'connecting' ? (
          <div className={`banner ${status === 'failed' ? 'error' : ''}`} role="status">
            {status === 'failed' ? `Disconnected: ${detail ?? 'the server refused this session'}` : 'Connection lost — reconnecting…'}
          </div>
        ) : null}
        {guild && channel && channel.type === ChannelType.Text ? (
          <ChannelPane key={channel.id} guild={guild} channel={channel} />
        ) : (
          <EmptyMain hasGuilds={guildOrder.length > 0} ready={status === 'ready' || me !== null} />
        )}
      </main>
      {guild && channel ? <MemberList guild={guild} /> : null}
    </div>
  );
}

function EmptyMain({ hasGuilds, ready }: { hasGuilds: boolean; ready: boolean }) {
  if (!ready)
    return (
      <div className="empty-state" role="status">
        Connecting…
      </div>
    );
  return (
    <div className="empty-state">
      <div className="empty-art" aria-hidden="true">
        🔥
      </div>
      <h2>{hasGuilds ? 'No text channel here yet' : 'No servers yet'}</h2>
      <p className="muted">{hasGuilds ? 'Pick a channel on the left, or create one if you may.' : 'Create a server with the + on the left, or open an invite link a friend sent you.'}</p>
    </div>
  );
}
