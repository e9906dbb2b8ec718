import { memo, useState, type KeyboardEvent } from 'react';
import { errorText } from '../api/rest';
import { displayName, type Attachment, type Message } from '../api/types';
import { Markdown } from '../markdown/Markdown';
import { useChat, useSession } from '../store/context';
import type { GuildState } from '../store/state';
import { Avatar, FormError, Modal } from './ui';

const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'];

interface Props {
  guild: GuildState;
  message: Message;
  grouped: boolean;
  canManage: boolean;
  canReact: boolean;
  editing: boolean;
  onEdit: (id: string | null) => void;
  onReply: (message: Message) => void;
}

function time(iso: string): string {
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  const t = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return today ? `Today at ${t}` : `${d.toLocaleDateString()} ${t}`;
}

/**
 * Files live on this node's CDN (/cdn), which serves the page too. The URL in the payload names the
 * node's configured address (often localhost), not necessarily the one this friend typed (a LAN
 * address): load it from the page's own origin instead.
 */
function cdnSrc(url: string): string {
  try {
    const u = new URL(url, location.href);
    return u.pathname.startsWith('/cdn/') ? `${u.pathname}${u.search}` : u.href;
  } catch {
    return url;
  }
}

function AttachmentView({ a }: { a: Attachment }) {
  const isImage = a.content_type?.startsWith('image/') || /\.(png|jpe?g|gif|webp|avif)$/i.test(a.filename);
  const src = cdnSrc(a.proxy_url || a.url);
  if (isImage) {
    const w = a.width ?? 400;
    const h = a.height ?? 300;
    const scale = Math.min(1, 400 / w, 300 / h);
    return (
      <a className="attachment-image" href={src} target="_blank" rel="noopener noreferrer">
        <img src={src} alt={a.filename} width={Math.round(w * scale)} height={Math.round(h * scale)} loading="lazy" />
      </a>
    );
  }
  return (
    <a className="attachment-file" href={src} target="_blank" rel="noopener noreferrer" download={a.filename}>
      <span aria-hidden="true">📄</span>
      <span>
        <span className="file-name">{a.filename}</span>
        <span className="muted small">{(a.size / 1024).toFixed(1)} KB</span>
      </span>
    </a>
  );
}

function EditBox({ message, onDone }: { message: Message; onDone: () => void }) {
  const session = useSession();
  const [text, setText] = useState(message.content);
  const [error, setError] = useState<string>();
  async function save() {
    if (text.trim() === message.content) return onDone();
    try {
      await session.editMessage(message.channel_id, message.id, text.trim());
      onDone();
    } catch (err) {
      setError(errorText(err));
    }
  }
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Escape') {
      e.preventDefault();
      onDone();
    } else if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void save();
    }
  }
  return (
    <div className="edit-box">
      <textarea aria-label="Edit message" value={text} onChange={(e) => setText(e.target.value)} onKeyDown={onKeyDown} autoFocus onFocus={(e) => e.currentTarget.setSelectionRange(text.length, text.length)} />
      <p className="small muted">
        escape to{' '}
        <button className="btn link inline" onClick={onDone}>
          cancel
        </button>{' '}
        • enter to{' '}
        <button className="btn link inline" onClick={() => void save()}>
          save
        </button>
      </p>
      <FormError error={error} />
    </div>
  );
}

/** One message: author and time (unless grouped), the replied-to preview, text, files, reactions and its actions. */
export const MessageItem = memo(function MessageItem({ guild, message, grouped, canManage, canReact, editing, onEdit, onReply }: Props) {
  const session = useSession();
  const me = useChat((s) => s.me);
  const [picker, setPicker] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<string>();
  const mine = message.author.id === me?.id;
  const member = guild.members.get(message.author.id);
  const name = displayName(message.author, member);
  const ref = message.referenced_message;
  const react = (emoji: string, on: boolean) => {
    setError(undefined);
    session.toggleReaction(message.channel_id, message.id, emoji, on).catch((err: unknown) => setError(errorText(err)));
  };
  const showHeader = !grouped || !!message.message_reference;
  return (
    <article className={`message${showHeader ? ' with-header' : ' grouped'}`} data-message-id={message.id} aria-label={`${name}: ${message.content.slice(0, 80)}`}>
      {ref || message.message_reference ? (
        <div className="reply-preview" aria-label="Reply to">
          <span className="reply-spine" aria-hidden="true" />
          {ref ? (
            <>
              <Avatar user={ref.author} size={16} />
              <strong>{displayName(ref.author, guild.members.get(ref.author.id))}</strong>
              <span className="reply-text">{ref.content ? <Markdown source={ref.content.split('\n')[0]!} guild={guild} /> : ref.attachments?.length ? 'Click to see attachment' : ''}</span>
            </>
          ) : (
            <em className="muted">Original message was deleted</em>
          )}
        </div>
      ) : null}
      <div className="message-body">
        <div className="message-gutter">{showHeader ? <Avatar user={message.author} size={40} /> : <time className="hover-time">{new Date(message.timestamp).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>}</div>
        <div className="message-main">
          {showHeader ? (
            <h3 className="message-header">
              <span className="author">{name}</span>
              {message.author.bot ? <span className="bot-tag">BOT</span> : null}
              <time dateTime={message.timestamp}>{time(message.timestamp)}</time>
            </h3>
          ) : null}
          {editing ? (
            <EditBox message={message} onDone={() => onEdit(null)} />
          ) : message.content ? (
            <div className="message-content">
              <Markdown source={message.content} guild={guild} />
              {message.edited_timestamp ? <span className="edited"> (edited)</span> : null}
            </div>
          ) : null}
          {message.attachments?.length ? (
            <div className="attachments">
              {message.attachments.map((a) => (
                <AttachmentView key={a.id} a={a} />
              ))}
            </div>
          ) : null}
          {message.reactions?.length ? (
            <div className="reactions" role="group" aria-label="Reactions">
              {message.reactions.map((r) => {
                const emoji = r.emoji.id ? `${r.emoji.name}:${r.emoji.id}` : (r.emoji.name ?? '');
                return (
                  <button key={emoji} className={`reaction${r.me ? ' me' : ''}`} aria-pressed={r.me} aria-label={`${r.emoji.name}, ${r.count} reaction${r.count === 1 ? '' : 's'}`} onClick={() => react(emoji, r.me)} disabled={!canReact && !r.me}>
                    {r.emoji.id ? <img className="emoji" src={`/cdn/emojis/${r.emoji.id}.png?size=32`} alt={r.emoji.name ?? ''} /> : <span>{r.emoji.name}</span>}
                    <span className="count">{r.count}</span>
                  </button>
                );
              })}
            </div>
          ) : null}
          <FormError error={error} />
        </div>
      </div>
      <div className="message-actions" role="toolbar" aria-label="Message actions">
        {canReact ? (
          <button className="icon-btn" aria-label="Add reaction" aria-expanded={picker} title="Add reaction" onClick={() => setPicker(!picker)}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm-3.5 6a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3Zm7 0a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3ZM12 18a6 6 0 0 1-5.2-3h10.4A6 6 0 0 1 12 18Z" /></svg>
          </button>
        ) : null}
        <button className="icon-btn" aria-label="Reply" title="Reply" onClick={() => onReply(message)}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M10 8V4l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11Z" /></svg>
        </button>
        {mine ? (
          <button className="icon-btn" aria-label="Edit message" title="Edit" onClick={() => onEdit(message.id)}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="m14.1 5.9 4 4L8 20H4v-4L14.1 5.9Zm1.4-1.4 2-2a1.4 1.4 0 0 1 2 0l2 2a1.4 1.4 0 0 1 0 2l-2 2-4-4Z" /></svg>
          </button>
        ) : null}
        {mine || canManage ? (
          <button className="icon-btn danger" aria-label="Delete message" title="Delete" onClick={() => setConfirmDelete(true)}>
            <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9 3h6l1 2h4v2H4V5h4l1-2ZM5 9h14l-1 12H6L5 9Z" /></svg>
          </button>
        ) : null}
        {picker ? (
          <div className="reaction-picker" role="menu" aria-label="Pick a reaction">
            {QUICK_REACTIONS.map((e) => (
              <button
                key={e}
                role="menuitem"
                aria-label={`React with ${e}`}
                onClick={() => {
                  setPicker(false);
                  react(e, !!message.reactions?.some((r) => r.emoji.name === e && r.me));
                }}
              >
                {e}
              </button>
            ))}
          </div>
        ) : null}
      </div>
      {confirmDelete ? (
        <Modal title="Delete Message" onClose={() => setConfirmDelete(false)}>
          <p>Are you sure you want to delete this message?</p>
          <blockquote className="delete-preview">{message.content.slice(0, 300)}</blockquote>
          <div className="modal-actions">
            <button className="btn link" onClick={() => setConfirmDelete(false)}>
              Cancel
            </button>
            <button
              className="btn danger"
              autoFocus
              onClick={() => {
                setConfirmDelete(false);
                session.deleteMessage(message.channel_id, message.id).catch((err: unknown) => setError(errorText(err)));
              }}
            >
              Delete
            </button>
          </div>
        </Modal>
      ) : null}
    </article>
  );
});
