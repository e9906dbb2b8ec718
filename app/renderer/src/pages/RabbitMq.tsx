import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api/admin';
import { rabbitMqApi, type RabbitMqTest, type RabbitMqView } from '../api/admin-tls';
import { Button } from '../components/Button/Button';
import { Field } from '../components/Field/Field';
import { ErrorLine, Message } from '../components/Message/Message';
import { useSession } from '../session';

const POLL_MS = 3_000;
const STATUS_BADGE: Record<RabbitMqView['status'], string> = { disabled: 'disabled', connecting: 'starting', connected: 'running', error: 'failed' };

function TestResult({ result }: { result: RabbitMqTest | null }) {
  if (!result) return null;
  if (result.ok) {
    return (
      <p className="ok-line" role="status" data-testid="rabbitmq-test-result">
        Connected to {result.server.product} {result.server.version} in {result.ms} ms.
      </p>
    );
  }
  return (
    <p className="error-line" role="alert" data-testid="rabbitmq-test-result">
      {result.error}
    </p>
  );
}

/** RabbitMQ: URL, a real test connection, the enable switch and the live status. */
export function RabbitMq() {
  const { client } = useSession();
  const api = rabbitMqApi(client);
  const [view, setView] = useState<RabbitMqView | null>(null);
  const [form, setForm] = useState<{ url: string; enabled: boolean } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<RabbitMqTest | null>(null);
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      rabbitMqApi(client)
        .status()
        .then(
          (v) => {
            if (!live) return;
            setView(v);
            setForm((f) => f ?? { url: v.url, enabled: v.enabled });
          },
          (err: unknown) => live && setLoadError(err instanceof Error ? err.message : String(err)),
        );
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client]);

  if (loadError) return <Message title="RabbitMQ settings could not be loaded" tone="error">{loadError}</Message>;
  if (!view || !form) return <p aria-busy="true">Loading RabbitMQ settings…</p>;

  const act = async (which: 'save' | 'test', fn: () => Promise<void>) => {
    setBusy(which);
    setErrors({});
    setError(null);
    try {
      await fn();
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields()).length) setErrors(err.fields());
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    void act('save', async () => {
      setResult(null);
      const next = await api.save(form);
      setView(next);
      setForm({ url: next.url, enabled: next.enabled });
    });
  };
  const test = () =>
    void act('test', async () => {
      setResult(null);
      setResult(await api.test(form.url));
    });

  return (
    <>
      <header className="page-head">
        <h1>RabbitMQ</h1>
        <span className={`badge badge-${STATUS_BADGE[view.status]}`} data-testid="rabbitmq-status">
          {view.status}
        </span>
      </header>
      <div className="stack">
        {view.status === 'error' && view.error && <ErrorLine error={view.error} />}
        <p className="muted" data-testid="rabbitmq-bus">
          Events of this node go through{' '}
          <strong>{view.bus === 'rabbitmq' ? 'RabbitMQ' : 'the in-process bus'}</strong>
          {view.bus === 'rabbitmq' ? ': nodes on the same broker and database share them.' : ': this node alone.'}
        </p>
        <section className="card">
          <form className="stack" onSubmit={save} noValidate aria-label="RabbitMQ settings">
            <p className="muted">Several Hearth nodes share their events through RabbitMQ. One node on its own does not need it.</p>
            <Field label="Broker URL" name="url" placeholder="amqp://user:password@127.0.0.1:5672" value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} error={errors.url} hint="The password is shown masked once saved; leave the mask to keep it." />
            <label className="radio">
              <input type="checkbox" name="enabled" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} />
              <span>
                <strong>Use RabbitMQ</strong>
                <small>Saving switches this node's event bus at once, without a restart. Connected clients are asked to reconnect and identify again.</small>
              </span>
            </label>
            <ErrorLine error={error} />
            <TestResult result={result} />
            <div className="row">
              <Button variant="secondary" busy={busy === 'test'} onClick={test} disabled={!form.url}>
                Test connection
              </Button>
              <Button type="submit" busy={busy === 'save'}>
                Save
              </Button>
            </div>
          </form>
        </section>
      </div>
    </>
  );
}
