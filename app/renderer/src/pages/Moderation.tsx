import { useEffect, useState } from 'react';
import type { GuildSummary } from '../api/admin';
import { Message } from '../components/Message/Message';
import { Link } from '../router';
import { useSession } from '../session';

export function Moderation() {
  const { client } = useSession();
  const [guilds, setGuilds] = useState<GuildSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');

  useEffect(() => {
    client.guilds().then(setGuilds, (err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [client]);

  const shown = guilds?.filter((g) => g.name.toLowerCase().includes(filter.toLowerCase())) ?? [];
  return (
    <>
      <header className="page-head">
        <h1>Moderation</h1>
      </header>
      {error && <Message title="Guilds could not be loaded" tone="error">{error}</Message>}
      {!guilds && !error && <p aria-busy="true">Loading guilds…</p>}
      {guilds && guilds.length === 0 && (
        <Message title="No guilds yet" tone="empty">
          Guilds appear here once someone creates one from a client.
        </Message>
      )}
      {guilds && guilds.length > 0 && (
        <>
          <div className="toolbar">
            <label>
              Find a guild
              <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Name" />
            </label>
          </div>
          <ul className="guild-list">
            {shown.map((g) => (
              <li key={g.id}>
                <Link to={`/moderation/${g.id}`} className="card guild-item">
                  <span className="avatar" aria-hidden="true">
                    {g.name.slice(0, 1).toUpperCase()}
                  </span>
                  <span>
                    <strong>{g.name}</strong>
                    <small>
                      {g.member_count} {g.member_count === 1 ? 'member' : 'members'}
                    </small>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          {shown.length === 0 && <Message title="No guild matches" tone="empty">Try another name.</Message>}
        </>
      )}
    </>
  );
}
