// Create a guild, a channel, an invite: each a small form whose API errors appear in place.
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, errorText } from '../api/rest';
import { ChannelType, type Channel, type Guild, type Invite } from '../api/types';
import { navigate } from '../router';
import { useSession } from '../store/context';
import { Field, FormError, Modal } from './ui';

function useSubmit<T>(run: (form: FormData) => Promise<T>, done: (result: T) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error>();
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      done(await run(new FormData(e.currentTarget)));
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  }
  const field = (name: string) => (error instanceof ApiError ? error.fieldError(name) : undefined);
  const formError = error && !(error instanceof ApiError && error.errors) ? errorText(error) : undefined;
  return { busy, onSubmit, field, formError };
}

export function CreateGuildDialog({ onClose }: { onClose: () => void }) {
  const session = useSession();
  const { busy, onSubmit, field, formError } = useSubmit(
    (form) => session.rest.request<Guild>('POST', '/guilds', { name: String(form.get('name') ?? '') }),
    (guild) => {
      onClose();
      navigate(`/channels/${guild.id}`);
    },
  );
  const me = session.getState().me;
  return (
    <Modal title="Create your server" onClose={onClose}>
      <form onSubmit={onSubmit}>
        <p className="muted">Your server is where you and your friends hang out. Make yours and start talking.</p>
        <Field label="Server name" name="name" defaultValue={me ? `${me.global_name || me.username}'s server` : ''} error={field('name')} autoFocus required />
        <FormError error={formError} />
        <SubmitActions label="Create" busy={busy} onCancel={onClose} />
      </form>
    </Modal>
  );
}

export function CreateChannelDialog({ guildId, parentId, onClose }: { guildId: string; parentId?: string | null; onClose: () => void }) {
  const session = useSession();
  const [type, setType] = useState<number>(ChannelType.Text);
  const { busy, onSubmit, field, formError } = useSubmit(
    (form) => {
      const body: Record<string, unknown> = { name: String(form.get('name') ?? ''), type };
      if (parentId && type !== ChannelType.Category) body.parent_id = parentId;
      return session.rest.request<Channel>('POST', `/guilds/${guildId}/channels`, body);
    },
    (channel) => {
      session.channelCreated(channel);
      onClose();
      if (channel.type === ChannelType.Text) navigate(`/channels/${guildId}/${channel.id}`);
    },
  );
  const types = [
    { value: ChannelType.Text, label: 'Text', hint: 'Send messages, images, opinions and puns' },
    { value: ChannelType.Voice, label: 'Voice', hint: 'Hang out together with voice' },
    { value: ChannelType.Category, label: 'Category', hint: 'A heading that groups channels' },
  ];
  return (
    <Modal title="Create Channel" onClose={onClose}>
      <form onSubmit={onSubmit}>
        <fieldset className="choices">
          <legend>Channel type</legend>
          {types.map((t) => (
            <label key={t.value} className={`choice${type === t.value ? ' selected' : ''}`}>
              <input type="radio" name="type" value={t.value} checked={type === t.value} onChange={() => setType(t.value)} />
              <span>
                <strong>{t.label}</strong>
                <span className="muted small">{t.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <Field label={type === ChannelType.Category ? 'Category name' : 'Channel name'} name="name" placeholder={type === ChannelType.Category ? 'New category' : 'new-channel'} error={field('name')} autoFocus required />
        <FormError error={formError} />
        <SubmitActions label="Create Channel" busy={busy} onCancel={onClose} />
      </form>
    </Modal>
  );
}

export function InviteDialog({ channelId, guildName, onClose }: { channelId: string; guildName: string; onClose: () => void }) {
  const session = useSession();
  const [invite, setInvite] = useState<Invite>();
  const [error, setError] = useState<string>();
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    session.rest
      .request<Invite>('POST', `/channels/${channelId}/invites`, { max_age: 604800, unique: false })
      .then(setInvite)
      .catch((err: unknown) => setError(errorText(err)));
  }, [session, channelId]);
  const link = invite ? `${location.origin}/invite/${invite.code}` : '';
  return (
    <Modal title={`Invite friends to ${guildName}`} onClose={onClose}>
      <p className="muted">Send a friend this link. It works for 7 days.</p>
      <div className="invite-link">
        <input aria-label="Invite link" readOnly value={link || 'Creating…'} onFocus={(e) => e.currentTarget.select()} />
        <button
          className="btn primary"
          disabled={!link}
          onClick={() => {
            void navigator.clipboard?.writeText(link).then(() => setCopied(true), () => undefined);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <FormError error={error} />
      <div className="modal-actions">
        <button type="button" className="btn link" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}

/** The Cancel / submit row at the bottom of a form dialog. */
function SubmitActions({ label, busy, onCancel }: { label: string; busy: boolean; onCancel: () => void }) {
  return (
    <div className="modal-actions">
      <button type="button" className="btn link" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="btn primary" disabled={busy}>
        {label}
      </button>
    </div>
  );
}
