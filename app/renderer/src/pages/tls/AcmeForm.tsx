import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/admin';
import { tlsApi, type AcmeChallenge, type TlsView } from '../../api/admin-tls';
import { Button } from '../../components/Button/Button';
import { Field } from '../../components/Field/Field';
import { ErrorLine } from '../../components/Message/Message';
import { useSession } from '../../session';

const LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';

/** Let's Encrypt (or any ACME CA): order form, the DNS-01 TXT record to create, continue. */
export function AcmeForm({ view, onApplied }: { view: TlsView; onApplied: (view: TlsView) => void }) {
  const { client } = useSession();
  const [form, setForm] = useState({
    domain: view.acme?.domain ?? '',
    email: view.acme?.email ?? '',
    directory_url: view.acme?.directory_url ?? LETS_ENCRYPT,
    challenge: view.acme?.challenge ?? ('http-01' as AcmeChallenge),
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'start' | 'continue' | null>(null);
  const pending = view.acme?.state === 'pending-dns' ? view.acme.pending_txt : undefined;

  const run = async (which: 'start' | 'continue', call: () => Promise<TlsView>) => {
    setBusy(which);
    setErrors({});
    setError(null);
    try {
      onApplied(await call());
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields()).length) setErrors(err.fields());
      else setError(err instanceof Error ? err.message : String(err));
      // The order's state (and last_error) changed on the server either way.
      onApplied(await tlsApi(client).status());
    } finally {
      setBusy(null);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('start', () => tlsApi(client).startAcme(form));
  };

  return (
    <div className="stack">
      <form className="stack" onSubmit={submit} noValidate aria-label="Order a certificate">
        <Field label="Domain" name="domain" placeholder="chat.example.com" value={form.domain} onChange={(e) => setForm({ ...form, domain: e.target.value })} error={errors.domain} hint="A public DNS name that points at this machine." />
        <Field label="Contact email" name="email" type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} error={errors.email} hint="The CA writes here about expiry problems." />
        <Field label="ACME directory" name="directory_url" type="url" value={form.directory_url} onChange={(e) => setForm({ ...form, directory_url: e.target.value })} error={errors.directory_url} hint="Let's Encrypt by default; its staging directory is good for trying." />
        <fieldset className="choice">
          <legend>How the CA checks the domain</legend>
          <label className="radio">
            <input type="radio" name="challenge" checked={form.challenge === 'http-01'} onChange={() => setForm({ ...form, challenge: 'http-01' })} />
            <span>
              <strong>HTTP-01</strong>
              <small>The CA fetches a file from this node on port 80 of the domain (forward port 80 to Hearth's HTTP port, {view.http_port}).</small>
            </span>
          </label>
          <label className="radio">
            <input type="radio" name="challenge" checked={form.challenge === 'dns-01'} onChange={() => setForm({ ...form, challenge: 'dns-01' })} />
            <span>
              <strong>DNS-01</strong>
              <small>You create a TXT record at your DNS provider; no open port needed. Renewals ask for a new record.</small>
            </span>
          </label>
        </fieldset>
        <ErrorLine error={error} />
        <div className="row">
          <Button type="submit" busy={busy === 'start'}>
            Order the certificate
          </Button>
        </div>
      </form>
      {pending && (
        <section className="note txt" aria-label="DNS record to create">
          <strong>Create this TXT record, wait a minute for it to spread, then continue.</strong>
          <dl className="kv">
            <dt>Name</dt>
            <dd className="mono" data-testid="txt-name">{pending.name}</dd>
            <dt>Value</dt>
            <dd className="mono" data-testid="txt-value">{pending.value}</dd>
          </dl>
          <Button busy={busy === 'continue'} onClick={() => void run('continue', () => tlsApi(client).continueAcme())}>
            The record exists: continue
          </Button>
        </section>
      )}
      {view.acme?.state === 'error' && view.acme.last_error && !error && <ErrorLine error={`Last attempt failed: ${view.acme.last_error}`} />}
    </div>
  );
}
