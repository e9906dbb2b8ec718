import { useCallback, useEffect, useState } from 'react';
import type { Channel, Guild, Message as ChatMessage } from '../../api/admin';
import { Button } from '../../components/Button/Button';
import { ErrorLine, Message } from '../../components/Message/Message';
import { useSession } from '../../session';

/** Channel types that hold messages: text, voice (text-in-voice), announcement, threads, stage. */
const WITH_MESSAGES = new Set([0, 2, 5, 10, 11, 12, 13]);
/** A word rather than an emoji for non-text channels: emoji fonts are not everywhere. */
const KIND: Record<number, string> = { 2: 'voice', 5: 'news', 13: 'stage', 10: 'thread', 11: 'thread', 12: 'thread' };

function Messages({ channel }: { channel: Channel }) {
  const { client } = useSession();
  const [messages, setMessages] = useState<ChatMessage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(() => {
    client.messages(channel.id, { limit: 50 }).then(setMessages, (err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [client, channel.id]);
  useEffect(load, [load]);

  const remove = async (m: ChatMessage) => {
    if (!window.confirm(`Delete this message by ${m.author.username}?`)) return;
    setBusy(m.id);
    setActionError(null);
    try {
      await client.deleteMessage(channel.id, m.id);
      setMessages((now) => now?.filter((x) => x.id !== m.id) ?? null);
    } catch (err) {
      setActionError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  if (error) return <Message title="Messages could not be loaded" tone="error">{error}</Message>;
  if (!messages) return <p aria-busy="true">Loading messages…</p>;
  if (messages.length === 0) return <Message title="No messages" tone="empty">Nobody has written in this channel yet.</Message>;
  return (
    <>
      <ErrorLine error={actionError} />
      <ol className="messages">
        {messages.map((m) => (
          <li key={m.id} className="chat-message">
            <div className="chat-head">
              <strong>{m.author.global_name || m.author.username}</strong>
              <time dateTime={m.timestamp}>{new Date(m.timestamp).toLocaleString()}</time>
              <Button variant="ghost" busy={busy === m.id} onClick={() => void remove(m)} aria-label={`Delete message ${m.id} by ${m.author.username}`}>
                Delete
              </Button>
            </div>
            <p className="chat-body">{m.content || <em className="muted">({m.attachments.length ? `${m.attachments.length} attachment(s)` : 'embed only'})</em>}</p>
          </li>
        ))}
      </ol>
    </>
  );
}

export function ChannelsTab({ guild }: { guild: Guild }) {
  const { client } = useSession();
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    client.channels(guild.id).then(
      (list) => {
        const readable = list.filter((c) => WITH_MESSAGES.has(c.type)).sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
        setChannels(readable);
        setSelected((s) => s ?? readable[0]?.id ?? null);
      },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, [client, guild.id]);

  if (error) return <Message title="Channels could not be loaded" tone="error">{error}</Message>;
  if (!channels) return <p aria-busy="true">Loading channels…</p>;
  if (channels.length === 0) return <Message title="No channels with messages" tone="empty">This guild has no text channels.</Message>;
  const channel = channels.find((c) => c.id === selected);
  return (
    <div className="split">
      <ul className="channel-list" aria-label="Channels">
        {channels.map((c) => (
          <li key={c.id}>
            <button type="button" className="channel" aria-pressed={c.id === selected} onClick={() => setSelected(c.id)}>
              <span className="ch-kind" aria-hidden="true">
                #
              </span>{' '}
              {c.name}
              {KIND[c.type] && <span className="ch-tag">{KIND[c.type]}</span>}
            </button>
          </li>
        ))}
      </ul>
      <div className="channel-view">{channel ? <Messages key={channel.id} channel={channel} /> : null}</div>
    </div>
  );
}
