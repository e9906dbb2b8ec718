import { useCallback, useEffect, useState } from 'react';
import type { Ban, Guild } from '../../api/admin';
import { Button } from '../../components/Button/Button';
import { ErrorLine, Message } from '../../components/Message/Message';
import { useSession } from '../../session';

export function BansTab({ guild }: { guild: Guild }) {
  const { client } = useSession();
  const [bans, setBans] = useState<Ban[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(() => {
    client.bans(guild.id).then(setBans, (err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [client, guild.id]);
  useEffect(load, [load]);

  const unban = async (userId: string) => {
    setBusy(userId);
    setActionError(null);
    try {
      await client.unban(guild.id, userId);
      load();
    } catch (err) {
      setActionError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  if (error) return <Message title="Bans could not be loaded" tone="error">{error}</Message>;
  if (!bans) return <p aria-busy="true">Loading bans…</p>;
  if (bans.length === 0) return <Message title="Nobody is banned" tone="empty">Members you ban from the Members tab appear here.</Message>;
  return (
    <>
      <ErrorLine error={actionError} />
      <ul className="member-list">
        {bans.map((b) => (
          <li key={b.user.id} className="member card">
            <div className="member-head">
              <span className="avatar" aria-hidden="true">
                {b.user.username.slice(0, 1).toUpperCase()}
              </span>
              <div className="member-name">
                <strong>@{b.user.username}</strong>
                <small>{b.reason ? `Reason: ${b.reason}` : 'No reason given'}</small>
              </div>
              <div className="member-actions">
                <Button variant="secondary" busy={busy === b.user.id} onClick={() => void unban(b.user.id)} aria-label={`Unban ${b.user.username}`}>
                  Unban
                </Button>
              </div>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
