import { useState } from 'react';
import { ChannelType, displayName, type Channel } from '../api/types';
import { navigate } from '../router';
import { useChat, useSession } from '../store/context';
import { channelPermissions, guildPermissions, has, Perm } from '../store/permissions';
import type { GuildState } from '../store/state';
import { useVoice } from '../store/voice-hooks';
import { groupChannels } from './channel-order';
import { CreateChannelDialog, InviteDialog } from './dialogs';
import { Avatar } from './ui';
import { UserPanel } from './UserPanel';

/** The second column: the guild's name and actions, its channels by category, and the user panel. */
export function ChannelSidebar({ guild, activeChannelId }: { guild: GuildState | undefined; activeChannelId: string | null }) {
  const me = useChat((s) => s.me);
  const [dialog, setDialog] = useState<{ kind: 'channel'; parentId: string | null } | { kind: 'invite' } | null>(null);
  if (!guild || !me) {
    return (
      <aside className="channel-sidebar" aria-label="Channels">
        <header className="sidebar-header">
          <h1>Hearth</h1>
        </header>
        <div className="sidebar-scroll" />
        <UserPanel />
      </aside>
    );
  }
  const canManage = has(guildPermissions(guild, me.id), Perm.ManageChannels);
  const visible = guild.channels.filter((c) => c.type === ChannelType.Category || has(channelPermissions(guild, c, me.id), Perm.ViewChannel));
  const inviteChannel = guild.channels.find((c) => c.id === activeChannelId) ?? visible.find((c) => c.type === ChannelType.Text);
  const canInvite = !!inviteChannel && has(channelPermissions(guild, inviteChannel, me.id), Perm.CreateInstantInvite);
  return (
    <aside className="channel-sidebar" aria-label={`${guild.name} channels`}>
      <header className="sidebar-header">
        <h1 title={guild.name}>{guild.name}</h1>
        <div className="header-actions">
          {canInvite ? (
            <button className="icon-btn" aria-label="Invite people" title="Invite people" onClick={() => setDialog({ kind: 'invite' })}>
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M14 8a4 4 0 1 1-8 0 4 4 0 0 1 8 0ZM2 20c0-3.3 3.6-6 8-6s8 2.7 8 6v1H2v-1Zm18-12h2v3h3v2h-3v3h-2v-3h-3v-2h3V8Z" /></svg>
            </button>
          ) : null}
          {canManage ? (
            <button className="icon-btn" aria-label="Create channel" title="Create channel" onClick={() => setDialog({ kind: 'channel', parentId: null })}>
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M11 4h2v7h7v2h-7v7h-2v-7H4v-2h7z" /></svg>
            </button>
          ) : null}
        </div>
      </header>
      <nav className="sidebar-scroll" aria-label="Channel list">
        {groupChannels(visible).map(({ category, channels }) =>
          category === null && channels.length === 0 ? null : (
            <section key={category?.id ?? 'none'} className="channel-group" aria-label={category?.name ?? 'Channels'}>
              {category ? (
                <h2 className="category">
                  <span>{category.name}</span>
                  {canManage ? (
                    <button className="icon-btn small" aria-label={`Create channel in ${category.name}`} onClick={() => setDialog({ kind: 'channel', parentId: category.id })}>
                      +
                    </button>
                  ) : null}
                </h2>
              ) : null}
              <ul>
                {channels.map((c) => (
                  <ChannelRow key={c.id} guild={guild} channel={c} active={c.id === activeChannelId} />
                ))}
              </ul>
            </section>
          ),
        )}
      </nav>
      <UserPanel />
      {dialog?.kind === 'channel' ? <CreateChannelDialog guildId={guild.id} parentId={dialog.parentId} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'invite' && inviteChannel ? <InviteDialog channelId={inviteChannel.id} guildName={guild.name} onClose={() => setDialog(null)} /> : null}
    </aside>
  );
}

function ChannelRow({ guild, channel, active }: { guild: GuildState; channel: Channel; active: boolean }) {
  const session = useSession();
  const voiceStates = useChat((s) => s.voiceStates.get(guild.id));
  const me = useChat((s) => s.me);
  const voice = session.voiceCall;
  const joined = useVoice(voice, (v) => v.channelId === channel.id && (v.status === 'connected' || v.status === 'connecting'));
  const speaking = useVoice(voice, (v) => v.speaking);
  if (channel.type === ChannelType.Voice) {
    const inside = [...(voiceStates?.values() ?? [])].filter((v) => v.channel_id === channel.id);
    const join = () => {
      // As Discord does, a channel the user may not connect to is refused here (the server would ignore the op 4 silently).
      if (me && !has(channelPermissions(guild, channel, me.id), Perm.Connect)) voice.refuse(guild.id, channel.id, `You do not have permission to connect to ${channel.name}.`);
      else voice.join(guild.id, channel.id);
    };
    return (
      <li>
        <button className={`channel voice${joined ? ' active' : ''}`} aria-label={`${channel.name} (voice channel)${joined ? ', connected' : ''}`} onClick={join}>
          <svg className="channel-icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3 7 8H3v8h4l5 5V3Zm4 4.5v9a5 5 0 0 0 0-9Z" /></svg>
          <span className="channel-name">{channel.name}</span>
        </button>
        {inside.length ? (
          <ul className="voice-members" aria-label={`In ${channel.name}`}>
            {inside.map((v) => {
              const member = guild.members.get(v.user_id) ?? v.member;
              const talking = joined && speaking.has(v.user_id);
              return (
                <li key={v.user_id} className={`voice-member${talking ? ' speaking' : ''}`} data-user-id={v.user_id}>
                  <Avatar user={member?.user} size={22} />
                  <span className="voice-member-name">{displayName(member?.user, member)}</span>
                  {talking ? <span className="visually-hidden">(speaking)</span> : null}
                  <span className="voice-flags">
                    {v.self_mute || v.mute ? (
                      <svg className={`voice-flag${v.mute ? ' server' : ''}`} role="img" aria-label="muted" viewBox="0 0 24 24">
                        <title>{v.mute ? 'Server muted' : 'Muted'}</title>
                        <path d="M12 2a3 3 0 0 0-3 3v4.2l6 6V5a3 3 0 0 0-3-3ZM3.3 2.3 2 3.6l5 5V11a5 5 0 0 0 7.3 4.4l1.5 1.5A7 7 0 0 1 5 11H3a9 9 0 0 0 8 8.9V23h2v-3.1a9 9 0 0 0 4.3-1.6l3.1 3.1 1.3-1.3L3.3 2.3ZM19 11h-2c0 .9-.2 1.7-.6 2.5l1.5 1.5A7 7 0 0 0 19 11Z" />
                      </svg>
                    ) : null}
                    {v.self_deaf || v.deaf ? (
                      <svg className={`voice-flag${v.deaf ? ' server' : ''}`} role="img" aria-label="deafened" viewBox="0 0 24 24">
                        <title>{v.deaf ? 'Server deafened' : 'Deafened'}</title>
                        <path d="M3.3 2.3 2 3.6l3 3A8.9 8.9 0 0 0 3 12v6a3 3 0 0 0 3 3h2v-8H5v-1c0-1.3.3-2.5 1-3.6l10 10V21h2c.4 0 .7 0 1-.2l1.4 1.5 1.3-1.3L3.3 2.3ZM12 3c-1.8 0-3.4.5-4.8 1.4l1.4 1.5A7 7 0 0 1 19 12v1h-3v.8l5 5V12a9 9 0 0 0-9-9Z" />
                      </svg>
                    ) : null}
                  </span>
                </li>
              );
            })}
          </ul>
        ) : null}
      </li>
    );
  }
  return (
    <li>
      <a
        href={`/channels/${guild.id}/${channel.id}`}
        className={`channel${active ? ' active' : ''}`}
        aria-current={active ? 'page' : undefined}
        onClick={(e) => {
          e.preventDefault();
          navigate(`/channels/${guild.id}/${channel.id}`);
        }}
      >
        <span className="channel-icon hash" aria-hidden="true">
          #
        </span>
        <span className="channel-name">{channel.name}</span>
      </a>
    </li>
  );
}
