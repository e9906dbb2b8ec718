import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/admin';
import type { TlsView } from '../../api/admin-tls';
import { tlsApi } from '../../api/admin-tls';
import { Button } from '../../components/Button/Button';
import { ErrorLine } from '../../components/Message/Message';
import { useSession } from '../../session';
import { TextArea } from './TextArea';

/** Your own certificate: PEM certificate (or full chain), key and optional chain. */
export function UploadForm({ onApplied }: { onApplied: (view: TlsView) => void }) {
  const { client } = useSession();
  const [form, setForm] = useState({ cert_pem: '', key_pem: '', chain_pem: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      onApplied(await tlsApi(client).apply({ mode: 'uploaded', cert_pem: form.cert_pem, key_pem: form.key_pem, ...(form.chain_pem.trim() ? { chain_pem: form.chain_pem } : {}) }));
      setForm({ cert_pem: '', key_pem: '', chain_pem: '' });
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields()).length) setErrors(err.fields());
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate aria-label="Upload a certificate">
      <TextArea label="Certificate (PEM; a full chain is fine)" name="cert_pem" placeholder="-----BEGIN CERTIFICATE-----" value={form.cert_pem} onChange={(e) => setForm({ ...form, cert_pem: e.target.value })} error={errors.cert_pem} />
      <TextArea label="Private key (PEM, unencrypted)" name="key_pem" placeholder="-----BEGIN PRIVATE KEY-----" value={form.key_pem} onChange={(e) => setForm({ ...form, key_pem: e.target.value })} error={errors.key_pem} />
      <TextArea label="Intermediate certificates (optional)" name="chain_pem" value={form.chain_pem} onChange={(e) => setForm({ ...form, chain_pem: e.target.value })} error={errors.chain_pem} hint="Leaf first, then each issuer in order." />
      <ErrorLine error={error} />
      <div className="row">
        <Button type="submit" busy={busy}>
          Use this certificate
        </Button>
      </div>
    </form>
  );
}
