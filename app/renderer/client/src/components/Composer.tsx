import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { errorText } from '../api/rest';
import { displayName, type Channel, type Message } from '../api/types';
import { useSession } from '../store/context';
import type { GuildState } from '../store/state';

interface Props {
  guild: GuildState;
  channel: Channel;
  canSend: boolean;
  canAttach: boolean;
  replyTo: Message | null;
  onCancelReply: () => void;
  onEditLast: () => void;
}

/** A local preview of a chosen image; its object URL is released when it goes. */
function FilePreview({ file }: { file: File }) {
  const url = useMemo(() => URL.createObjectURL(file), [file]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return <img src={url} alt="" />;
}

/** The message box: Enter sends, Shift+Enter is a newline, ↑ in an empty box edits your last message. */
export function Composer({ guild, channel, canSend, canAttach, replyTo, onCancelReply, onEditLast }: Props) {
  const session = useSession();
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string>();
  const fileInput = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLTextAreaElement>(null);

  async function send() {
    const content = text.trim();
    if ((!content && !files.length) || progress !== null) return;
    setError(undefined);
    try {
      if (files.length) {
        setProgress(0);
        await session.sendFiles(channel.id, content, files, setProgress, replyTo?.id);
      } else {
        await session.sendMessage(channel.id, content, replyTo?.id);
      }
      setText('');
      setFiles([]);
      onCancelReply();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setProgress(null);
      box.current?.focus();
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    } else if (e.key === 'ArrowUp' && !text) {
      e.preventDefault();
      onEditLast();
    } else if (e.key === 'Escape' && replyTo) {
      onCancelReply();
    }
  }

  if (!canSend) {
    return (
      <div className="composer disabled" role="note">
        You do not have permission to send messages in this channel.
      </div>
    );
  }
  const replyMember = replyTo ? guild.members.get(replyTo.author.id) : undefined;
  return (
    <div className="composer-wrap">
      {error ? (
        <p className="form-error composer-error" role="alert">
          {error}
        </p>
      ) : null}
      {replyTo ? (
        <div className="reply-bar">
          <span>
            Replying to <strong>{displayName(replyTo.author, replyMember)}</strong>
          </span>
          <button className="icon-btn small" aria-label="Cancel reply" onClick={onCancelReply}>
            ✕
          </button>
        </div>
      ) : null}
      {files.length ? (
        <ul className="pending-files" aria-label="Files to upload">
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`} className="pending-file">
              {f.type.startsWith('image/') ? <FilePreview file={f} /> : <span className="file-glyph" aria-hidden="true">📄</span>}
              <span className="file-name">{f.name}</span>
              <button className="icon-btn small" aria-label={`Remove ${f.name}`} onClick={() => setFiles(files.filter((_, j) => j !== i))} disabled={progress !== null}>
                ✕
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {progress !== null ? (
        <div className="upload-progress" role="progressbar" aria-label="Upload progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
          <div className="bar" style={{ width: `${Math.round(progress * 100)}%` }} />
          <span className="small">Uploading… {Math.round(progress * 100)}%</span>
        </div>
      ) : null}
      <div className="composer">
        {canAttach ? (
          <>
            <button className="icon-btn attach" aria-label="Upload a file" title="Upload a file" onClick={() => fileInput.current?.click()}>
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm5 11h-4v4h-2v-4H7v-2h4V7h2v4h4v2Z" /></svg>
            </button>
            <input
              ref={fileInput}
              type="file"
              multiple
              hidden
              aria-label="Choose files"
              onChange={(e) => {
                setFiles([...files, ...Array.from(e.currentTarget.files ?? [])].slice(0, 10));
                e.currentTarget.value = '';
              }}
            />
          </>
        ) : null}
        <textarea
          ref={box}
          rows={1}
          value={text}
          aria-label={`Message #${channel.name}`}
          placeholder={`Message #${channel.name}`}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value) session.typing(channel.id);
          }}
          onKeyDown={onKeyDown}
          maxLength={2000}
        />
      </div>
    </div>
  );
}
