import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, errorText } from '../api/rest';
import type { User } from '../api/types';
import { setToken } from '../auth';
import { Avatar, Field, FormError } from '../components/ui';
import { navigate } from '../router';
import { useChat, useSession } from '../store/context';

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(file);
  });
}

/** User settings: username, display name, avatar; log out. */
export function SettingsPage() {
  const session = useSession();
  const me = useChat((s) => s.me);
  const [errors, setErrors] = useState<{ username?: string; global_name?: string; avatar?: string; form?: string }>({});
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [avatar, setAvatar] = useState<string | null>(null);

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const body: Record<string, unknown> = {};
    const username = String(form.get('username') ?? '');
    const globalName = String(form.get('global_name') ?? '');
    if (username !== me?.username) body.username = username;
    if (globalName !== (me?.global_name ?? '')) body.global_name = globalName || null;
    if (avatar) body.avatar = avatar;
    setBusy(true);
    setErrors({});
    setSaved(false);
    try {
      if (Object.keys(body).length) await session.rest.request<User>('PATCH', '/users/@me', body);
      setAvatar(null);
      setSaved(true);
    } catch (err) {
      if (err instanceof ApiError && err.errors) setErrors({ username: err.fieldError('username'), global_name: err.fieldError('global_name'), avatar: err.fieldError('avatar'), form: err.fieldError('username') || err.fieldError('global_name') || err.fieldError('avatar') ? undefined : err.message });
      else setErrors({ form: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  // Escape closes the settings from anywhere on the page, as on Discord.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !(e.target instanceof HTMLElement && e.target.closest('dialog'))) navigate('/channels/@me');
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  if (!me) return <div className="splash">Loading…</div>;
  return (
    <div className="settings-layout">
      <nav className="settings-nav" aria-label="Settings sections">
        <h2>User Settings</h2>
        <a className="active" href="/settings" aria-current="page" onClick={(e) => e.preventDefault()}>
          My Account
        </a>
        <button className="btn link danger-text" onClick={() => setToken(null)}>
          Log Out
        </button>
      </nav>
      <main className="settings-main">
        <header className="settings-header">
          <h1>My Account</h1>
          <button className="close-settings" aria-label="Close settings" onClick={() => navigate('/channels/@me')}>
            ✕<span className="small">ESC</span>
          </button>
        </header>
        <form className="settings-card" onSubmit={save}>
          <div className="profile-row">
            {avatar ? <img className="avatar" src={avatar} alt="New avatar preview" width={80} height={80} /> : <Avatar user={me} size={80} />}
            <div>
              <label className="btn secondary file-label">
                Change Avatar
                <input
                  type="file"
                  accept="image/png,image/jpeg,image/gif,image/webp"
                  aria-label="Avatar image"
                  className="visually-hidden"
                  onChange={(e) => {
                    const file = e.currentTarget.files?.[0];
                    if (file) readAsDataUrl(file).then(setAvatar, (err: unknown) => setErrors({ avatar: errorText(err) }));
                  }}
                />
              </label>
              {errors.avatar ? (
                <p className="field-error" role="alert">
                  {errors.avatar}
                </p>
              ) : null}
            </div>
          </div>
          <Field label="Display name" name="global_name" defaultValue={me.global_name ?? ''} error={errors.global_name} />
          <Field label="Username" name="username" defaultValue={me.username} error={errors.username} required />
          <FormError error={errors.form} />
          {saved ? (
            <p className="form-ok" role="status">
              Saved.
            </p>
          ) : null}
          <div className="modal-actions">
            <button type="submit" className="btn primary" disabled={busy}>
              Save Changes
            </button>
          </div>
        </form>
      </main>
    </div>
  );
}
