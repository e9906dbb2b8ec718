import { useCallback, useEffect, useState } from 'react';
import type { Overview as OverviewValue, ServiceAction, ServiceStatus } from '../api/admin';
import { Button } from '../components/Button/Button';
import { ErrorLine, Message } from '../components/Message/Message';
import { useSession } from '../session';

const POLL_MS = 2_000;

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

const TITLES: Record<string, string> = { database: 'Database', api: 'REST API', gateway: 'Gateway', cdn: 'CDN', voice: 'Voice' };
const ACTION_LABEL: Record<ServiceAction, string> = { start: 'Start', stop: 'Stop', restart: 'Restart' };

function ServiceCard({ service, onAction }: { service: ServiceStatus; onAction: (action: ServiceAction) => Promise<void> }) {
  const [busy, setBusy] = useState<ServiceAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: ServiceAction) => {
    setBusy(action);
    setError(null);
    try {
      await onAction(action);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };
  const title = TITLES[service.name] ?? service.name;
  return (
    <article className={`card service service-${service.state}`} aria-labelledby={`svc-${service.name}`} data-service={service.name}>
      <header>
        <h2 id={`svc-${service.name}`}>{title}</h2>
        <span className={`badge badge-${service.state}`} data-testid={`state-${service.name}`}>
          {service.state}
        </span>
      </header>
      <dl>
        <dt>{service.state === 'running' ? 'Up for' : 'Since'}</dt>
        <dd>{service.state === 'running' ? duration(service.uptime_ms) : new Date(service.since).toLocaleTimeString()}</dd>
      </dl>
      {service.detail && <p className="detail">{service.detail}</p>}
      {service.progress && <p className="progress">{service.progress}</p>}
      {service.error && (
        <p className="error-line" role="alert">
          {service.error}
        </p>
      )}
      <ErrorLine error={error} />
      {service.actions.length > 0 && (
        <div className="row">
          {service.actions.map((action) => (
            <Button key={action} variant={action === 'stop' ? 'danger' : action === 'start' ? 'primary' : 'secondary'} busy={busy === action} disabled={busy !== null} onClick={() => void run(action)} aria-label={`${ACTION_LABEL[action]} ${title}`}>
              {ACTION_LABEL[action]}
            </Button>
          ))}
        </div>
      )}
    </article>
  );
}

export function Overview() {
  const { client } = useSession();
  const [data, setData] = useState<OverviewValue | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(
    () =>
      client.overview().then(
        (d) => {
          setData(d);
          setError(null);
        },
        (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
      ),
    [client],
  );

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const act = async (name: ServiceStatus['name'], action: ServiceAction) => {
    const status = await client.serviceAction(name, action);
    setData((d) => (d ? { ...d, services: d.services.map((s) => (s.name === name ? status : s)) } : d));
    void refresh();
  };

  return (
    <>
      <header className="page-head">
        <h1>Overview</h1>
        {data && <span className="muted">Hearth {data.version}</span>}
      </header>
      {error && (
        <Message title="The overview could not be refreshed" tone="error">
          {error}
        </Message>
      )}
      {!data && !error && <p aria-busy="true">Loading…</p>}
      {data && (
        <>
          <section className="counts" aria-label="Counts">
            <div className="count card">
              <span className="count-n">{data.counts.sessions}</span>
              <span className="count-l">gateway sessions</span>
            </div>
            <div className="count card">
              <span className="count-n">{data.counts.guilds}</span>
              <span className="count-l">guilds</span>
            </div>
            <div className="count card">
              <span className="count-n">{data.counts.users}</span>
              <span className="count-l">users</span>
            </div>
          </section>
          <h2 className="section-title">Services</h2>
          <section className="services">
            {data.services.map((s) => (
              <ServiceCard key={s.name} service={s} onAction={(action) => act(s.name, action)} />
            ))}
          </section>
        </>
      )}
    </>
  );
}
