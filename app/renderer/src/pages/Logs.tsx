import { useEffect, useRef, useState } from 'react';
import type { LogEntry } from '../api/admin';
import { Message } from '../components/Message/Message';
import { useSession } from '../session';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
const SERVICES = ['', 'node', 'database', 'api', 'gateway', 'cdn', 'voice', 'postgres', 'admin'];
const KEEP = 1000;

function time(ms: number): string {
  const d = new Date(ms);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** The live lines of one filter; remounted (keyed) when the filter changes, so it starts empty. */
function LogView({ level, service, paused }: { level: string; service: string; paused: boolean }) {
  const { client } = useSession();
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [status, setStatus] = useState<'connecting' | 'live' | 'error'>('connecting');
  const pausedRef = useRef(paused);
  useEffect(() => {
    pausedRef.current = paused;
  }, [paused]);

  useEffect(() => {
    let live = true;
    const q = { level, service: service || undefined };
    const source = new EventSource(client.logStreamUrl(q), { withCredentials: true });
    client.logs({ ...q, limit: 200 }).then(
      (initial) => {
        if (live) setEntries((now) => [...initial, ...now.filter((e) => e.seq > (initial.at(-1)?.seq ?? -1))]);
      },
      () => undefined,
    );
    source.onopen = () => live && setStatus('live');
    source.onerror = () => live && setStatus('error');
    source.onmessage = (ev: MessageEvent<string>) => {
      if (!live || pausedRef.current) return;
      const entry = JSON.parse(ev.data) as LogEntry;
      setEntries((now) => (now.some((e) => e.seq === entry.seq) ? now : [...now, entry].slice(-KEEP)));
    };
    return () => {
      live = false;
      source.close();
    };
  }, [client, level, service]);

  return (
    <>
      <p className="stream-state">
        <span className={`badge badge-${status === 'live' ? 'running' : status === 'error' ? 'failed' : 'starting'}`} role="status">
          {status === 'live' ? (paused ? 'paused' : 'live') : status === 'error' ? 'reconnecting' : 'connecting'}
        </span>
      </p>
      {entries.length === 0 ? (
        <Message title="No log lines yet" tone="empty">
          Nothing at this level from {service || 'any service'} so far. New lines appear here as they are written.
        </Message>
      ) : (
        <div className="logs card" role="log" aria-live="off">
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Level</th>
                <th scope="col">Service</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {[...entries].reverse().map((e) => (
                <tr key={e.seq} className={`row-${e.level}`}>
                  <td className="mono">{time(e.time)}</td>
                  <td>
                    <span className={`lvl lvl-${e.level}`}>{e.level}</span>
                  </td>
                  <td>{e.service}</td>
                  <td className="msg">
                    {e.msg}
                    {e.extra && <code className="extra">{JSON.stringify(e.extra)}</code>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function Logs() {
  const [level, setLevel] = useState('info');
  const [service, setService] = useState('');
  const [paused, setPaused] = useState(false);
  return (
    <>
      <header className="page-head">
        <h1>Logs</h1>
      </header>
      <div className="toolbar">
        <label>
          Level
          <select value={level} onChange={(e) => setLevel(e.target.value)} name="level">
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l} and above
              </option>
            ))}
          </select>
        </label>
        <label>
          Service
          <select value={service} onChange={(e) => setService(e.target.value)} name="service">
            {SERVICES.map((s) => (
              <option key={s} value={s}>
                {s || 'all services'}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} /> Pause
        </label>
      </div>
      <LogView key={`${level}:${service}`} level={level} service={service} paused={paused} />
    </>
  );
}
