import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api/admin';
import { tlsApi, type TlsMode, type TlsView } from '../api/admin-tls';
import { Button } from '../components/Button/Button';
import { Field } from '../components/Field/Field';
import { ErrorLine, Message } from '../components/Message/Message';
import { useSession } from '../session';
import { AcmeForm } from './tls/AcmeForm';
import { TrustSteps } from './tls/TrustSteps';
import { UploadForm } from './tls/UploadForm';

const MODES: { mode: TlsMode; title: string; text: string }[] = [
  { mode: 'off', title: 'No encryption', text: 'Plain HTTP on the local network. Simple, but voice and some clients need HTTPS.' },
  { mode: 'internal-ca', title: "Hearth's own certificate authority", text: 'HTTPS on the LAN. Each device trusts Hearth\u2019s root certificate once.' },
  { mode: 'acme', title: "Let's Encrypt (ACME)", text: 'A certificate every device trusts, for a public domain name. Renewed automatically.' },
  { mode: 'uploaded', title: 'My own certificate', text: 'Paste a certificate and key you already have (PEM).' },
];

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

function CurrentCertificate({ view }: { view: TlsView }) {
  const cert = view.certificate;
  return (
    <section className="card stack" aria-labelledby="tls-now">
      <h2 id="tls-now">Now</h2>
      <dl className="kv">
        <dt>Mode</dt>
        <dd data-testid="tls-mode">{MODES.find((m) => m.mode === view.mode)?.title ?? view.mode}</dd>
        <dt>Clients use</dt>
        <dd className="mono" data-testid="tls-public-url">{view.public_url}</dd>
        <dt>Ports</dt>
        <dd>
          HTTP {view.http_port}
          {view.https_port !== null && <> · HTTPS {view.https_port}</>}
        </dd>
        {cert && (
          <>
            <dt>Certificate for</dt>
            <dd className="mono" data-testid="tls-names">{cert.names.join(', ')}</dd>
            <dt>Issued by</dt>
            <dd>{cert.issuer}</dd>
            <dt>Expires</dt>
            <dd>{when(cert.not_after)}</dd>
            <dt>Renewal</dt>
            <dd>{cert.renews_at ? when(cert.renews_at) : 'by you (uploaded certificate)'}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

function InternalCaForm({ view, onApplied }: { view: TlsView; onApplied: (view: TlsView) => void }) {
  const { client } = useSession();
  const [names, setNames] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const extra = names.split(/[\s,]+/).filter(Boolean);
      onApplied(await tlsApi(client).apply({ mode: 'internal-ca', ...(extra.length ? { names: extra } : {}) }));
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields() : {};
      if (Object.keys(fields).length) setErrors(fields);
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="stack">
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate aria-label="Use Hearth's certificate authority">
        <Field label="Extra names (optional)" name="names" placeholder="hearth.lan, 10.0.0.5" value={names} onChange={(e) => setNames(e.target.value)} error={Object.values(errors)[0]} hint="This machine's addresses, host name and localhost are always included." />
        <ErrorLine error={error} />
        <div className="row">
          <Button type="submit" busy={busy}>
            {view.mode === 'internal-ca' ? 'Issue a new certificate' : 'Switch to HTTPS with Hearth\u2019s CA'}
          </Button>
        </div>
      </form>
      {view.internal_ca && <TrustSteps rootUrl={tlsApi(client).rootUrl()} fingerprint={view.internal_ca.fingerprint_sha256} />}
    </div>
  );
}

function OffForm({ view, onApplied }: { view: TlsView; onApplied: (view: TlsView) => void }) {
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (view.mode === 'off') return <p className="muted">HTTPS is off. Clients connect with plain HTTP.</p>;
  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      onApplied(await tlsApi(client).apply({ mode: 'off' }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="stack">
      <p className="muted">The HTTPS port closes; clients that connected over HTTPS must reconnect over HTTP.</p>
      <ErrorLine error={error} />
      <div className="row">
        <Button variant="danger" busy={busy} onClick={() => void apply()}>
          Turn HTTPS off
        </Button>
      </div>
    </div>
  );
}

/** Domain & TLS: the current certificate, and a form per mode. Applying swaps the HTTPS listener only. */
export function Tls() {
  const { client } = useSession();
  const [view, setView] = useState<TlsView | null>(null);
  const [chosen, setChosen] = useState<TlsMode | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    tlsApi(client)
      .status()
      .then(setView, (err: unknown) => setLoadError(err instanceof Error ? err.message : String(err)));
  }, [client]);

  if (loadError) return <Message title="TLS settings could not be loaded" tone="error">{loadError}</Message>;
  if (!view) return <p aria-busy="true">Loading TLS settings…</p>;
  const mode = chosen ?? view.mode;
  const applied = (next: TlsView) => setView(next);

  return (
    <>
      <header className="page-head">
        <h1>Domain &amp; TLS</h1>
      </header>
      <div className="stack">
        <CurrentCertificate view={view} />
        <section className="card stack" aria-labelledby="tls-choose">
          <h2 id="tls-choose">Encryption</h2>
          <fieldset className="choice">
            <legend>How clients connect</legend>
            {MODES.map((m) => (
              <label className="radio" key={m.mode}>
                <input type="radio" name="tls-mode" value={m.mode} checked={mode === m.mode} onChange={() => setChosen(m.mode)} />
                <span>
                  <strong>
                    {m.title}
                    {view.mode === m.mode && <span className="badge badge-running">active</span>}
                  </strong>
                  <small>{m.text}</small>
                </span>
              </label>
            ))}
          </fieldset>
          {mode === 'off' && <OffForm view={view} onApplied={applied} />}
          {mode === 'internal-ca' && <InternalCaForm view={view} onApplied={applied} />}
          {mode === 'acme' && <AcmeForm view={view} onApplied={applied} />}
          {mode === 'uploaded' && <UploadForm onApplied={applied} />}
        </section>
      </div>
    </>
  );
}
