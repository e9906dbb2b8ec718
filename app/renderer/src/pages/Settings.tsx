import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, type Settings as SettingsValue } from '../api/admin';
import { Button } from '../components/Button/Button';
import { Field } from '../components/Field/Field';
import { ErrorLine, Message } from '../components/Message/Message';
import { Link, useRouter } from '../router';
import { useSession } from '../session';

/** Server name, how it is reached (public URL or LAN only), and where TLS is chosen. Used by the wizard too. */
export function SettingsForm({ submitLabel = 'Save', afterSave }: { submitLabel?: string; afterSave?: string }) {
  const { client } = useSession();
  const { navigate } = useRouter();
  const [value, setValue] = useState<SettingsValue | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    client.settings().then(setValue, (err: unknown) => setLoadError(err instanceof Error ? err.message : String(err)));
  }, [client]);

  if (loadError) return <Message title="Settings could not be loaded" tone="error">{loadError}</Message>;
  if (!value) return <p aria-busy="true">Loading settings…</p>;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    setSaved(false);
    try {
      setValue(await client.updateSettings({ server_name: value.server_name, lan_only: value.lan_only, public_url: value.lan_only ? null : value.public_url || null }));
      setSaved(true);
      if (afterSave) navigate(afterSave);
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields()).length) setErrors(err.fields());
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
      <Field label="Server name" name="server_name" required maxLength={100} value={value.server_name} onChange={(e) => setValue({ ...value, server_name: e.target.value })} error={errors.server_name} />
      <fieldset className="choice">
        <legend>Who can reach this server?</legend>
        <label className="radio">
          <input type="radio" name="reach" checked={value.lan_only} onChange={() => setValue({ ...value, lan_only: true })} />
          <span>
            <strong>Only my local network</strong>
            <small>Clients connect by this machine's LAN address.</small>
          </span>
        </label>
        <label className="radio">
          <input type="radio" name="reach" checked={!value.lan_only} onChange={() => setValue({ ...value, lan_only: false })} />
          <span>
            <strong>The internet, at a public URL</strong>
            <small>You forward a port or use a tunnel; clients use the URL below.</small>
          </span>
        </label>
      </fieldset>
      {!value.lan_only && (
        <Field label="Public URL" name="public_url" type="url" placeholder="https://chat.example.com" value={value.public_url ?? ''} onChange={(e) => setValue({ ...value, public_url: e.target.value })} error={errors.public_url} hint="Links and the gateway address use it from the next start (HEARTH_PUBLIC_URL, when set, wins)." />
      )}
      <div className="note">
        <strong>Encryption (TLS).</strong> Choose between no TLS, Hearth's own certificate authority, a Let's Encrypt certificate or your own on the <Link to="/tls">TLS page</Link>.
      </div>
      <ErrorLine error={error} />
      <div className="row">
        <Button type="submit" busy={busy}>
          {submitLabel}
        </Button>
        {saved && !afterSave && (
          <span className="ok-line" role="status">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}

export function Settings() {
  return (
    <>
      <header className="page-head">
        <h1>Settings</h1>
      </header>
      <section className="card narrow">
        <SettingsForm />
      </section>
    </>
  );
}
