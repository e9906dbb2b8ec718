import { useCallback, useEffect, useState } from 'react';
import { errorText } from '../api/rest';
import { displayName, type Channel, type Message } from '../api/types';
import { useChat, useSession } from '../store/context';
import { channelPermissions, has, Perm } from '../store/permissions';
import type { GuildState } from '../store/state';
import { Composer } from './Composer';
import { MessageList } from './MessageList';

const EMPTY: Message[] = [];

/** One text channel: header, the message list, who is typing, and the composer. */
export function ChannelPane({ guild, channel }: { guild: GuildState; channel: Channel }) {
  const session = useSession();
  const me = useChat((s) => s.me)!;
  const history = useChat((s) => s.messages.get(channel.id));
  const typing = useChat((s) => s.typing.get(channel.id));
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [error, setError] = useState<string>();

  const loadOlder = useCallback(() => {
    session.loadHistory(channel.id).catch((err: unknown) => setError(errorText(err)));
  }, [session, channel.id]);
  // First open, and again after a fresh session (READY drops cached history).
  const missing = history === undefined;
  useEffect(() => {
    if (missing) loadOlder();
  }, [missing, loadOlder]);

  const perms = channelPermissions(guild, channel, me.id);
  const items = history?.items ?? EMPTY;
  const typers = [...(typing?.keys() ?? [])].map((id) => displayName(guild.members.get(id)?.user, guild.members.get(id)));
  const editLast = useCallback(() => {
    const mine = items.findLast((m) => m.author.id === me.id);
    if (mine) setEditingId(mine.id);
  }, [items, me.id]);

  return (
    <section className="channel-pane" aria-label={`#${channel.name}`}>
      <header className="channel-header">
        <span className="hash" aria-hidden="true">
          #
        </span>
        <h1>{channel.name}</h1>
        {channel.topic ? <p className="topic">{channel.topic}</p> : null}
      </header>
      {error ? (
        <p className="form-error inline" role="alert">
          {error}
        </p>
      ) : null}
      <MessageList
        guild={guild}
        meId={me.id}
        channel={channel}
        items={items}
        hasMore={history?.hasMore ?? true}
        loading={history?.loading ?? true}
        onLoadOlder={loadOlder}
        canManage={has(perms, Perm.ManageMessages)}
        canReact={has(perms, Perm.AddReactions)}
        editingId={editingId}
        onEdit={setEditingId}
        onReply={setReplyTo}
      />
      <div className="typing" aria-live="polite">
        {typers.length ? (
          <>
            <span className="typing-dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            <strong>{typers.slice(0, 3).join(', ')}</strong> {typers.length === 1 ? 'is' : 'are'} typing…
          </>
        ) : null}
      </div>
      <Composer
        guild={guild}
        channel={channel}
        canSend={has(perms, Perm.SendMessages)}
        canAttach={has(perms, Perm.AttachFiles)}
        replyTo={replyTo}
        onCancelReply={() => setReplyTo(null)}
        onEditLast={editLast}
      />
    </section>
  );
}
