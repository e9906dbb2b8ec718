import { useCallback, useEffect, useState } from 'react';
import type { Guild, Member } from '../../api/admin';
import { Button } from '../../components/Button/Button';
import { ErrorLine, Message } from '../../components/Message/Message';
import { useSession } from '../../session';

const TIMEOUTS = [
  { label: '60 seconds', ms: 60_000 },
  { label: '10 minutes', ms: 600_000 },
  { label: '1 hour', ms: 3_600_000 },
  { label: '1 day', ms: 86_400_000 },
  { label: '1 week', ms: 604_800_000 },
];

function name(m: Member): string {
  return m.nick || m.user.global_name || m.user.username;
}

function MemberRow({ guild, member, onChanged }: { guild: Guild; member: Member; onChanged: (left: boolean) => void }) {
  const { client } = useSession();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [timeout, setTimeoutMs] = useState(TIMEOUTS[1]!.ms);
  const [editRoles, setEditRoles] = useState(false);
  const [roles, setRoles] = useState<string[]>(member.roles);
  const assignable = guild.roles.filter((r) => r.id !== guild.id && !r.managed).sort((a, b) => b.position - a.position);
  const timedOut = member.communication_disabled_until && new Date(member.communication_disabled_until) > new Date();
  const isOwner = member.user.id === guild.owner_id;

  const run = async (what: string, fn: () => Promise<unknown>, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return;
    setBusy(what);
    setError(null);
    try {
      await fn();
      onChanged(what === 'kick' || what === 'ban');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <li className="member card" data-user-id={member.user.id}>
      <div className="member-head">
        <span className="avatar" aria-hidden="true">
          {name(member).slice(0, 1).toUpperCase()}
        </span>
        <div className="member-name">
          <strong>{name(member)}</strong>
          <small>
            @{member.user.username}
            {member.user.bot && <span className="tag">bot</span>}
            {isOwner && <span className="tag">owner</span>}
            {timedOut && <span className="tag tag-warn">timed out until {new Date(member.communication_disabled_until!).toLocaleString()}</span>}
          </small>
          <div className="role-chips">
            {member.roles.map((id) => {
              const role = guild.roles.find((r) => r.id === id);
              return role ? (
                <span key={id} className="chip" style={{ borderColor: role.color ? `#${role.color.toString(16).padStart(6, '0')}` : undefined }}>
                  {role.name}
                </span>
              ) : null;
            })}
          </div>
        </div>
        {!isOwner && (
          <div className="member-actions">
            <Button variant="secondary" busy={busy === 'roles'} onClick={() => setEditRoles((v) => !v)} aria-expanded={editRoles} aria-label={`Edit roles of ${member.user.username}`}>
              Roles
            </Button>
            {timedOut ? (
              <Button variant="secondary" busy={busy === 'timeout'} onClick={() => void run('timeout', () => client.updateMember(guild.id, member.user.id, { communication_disabled_until: null }))} aria-label={`Remove the timeout of ${member.user.username}`}>
                End timeout
              </Button>
            ) : (
              <span className="inline">
                <select aria-label={`Timeout length for ${member.user.username}`} value={timeout} onChange={(e) => setTimeoutMs(Number(e.target.value))}>
                  {TIMEOUTS.map((t) => (
                    <option key={t.ms} value={t.ms}>
                      {t.label}
                    </option>
                  ))}
                </select>
                <Button variant="secondary" busy={busy === 'timeout'} onClick={() => void run('timeout', () => client.updateMember(guild.id, member.user.id, { communication_disabled_until: new Date(Date.now() + timeout).toISOString() }))} aria-label={`Time out ${member.user.username}`}>
                  Time out
                </Button>
              </span>
            )}
            <Button variant="danger" busy={busy === 'kick'} onClick={() => void run('kick', () => client.kick(guild.id, member.user.id), `Kick ${member.user.username} from ${guild.name}?`)} aria-label={`Kick ${member.user.username}`}>
              Kick
            </Button>
            <Button variant="danger" busy={busy === 'ban'} onClick={() => void run('ban', () => client.ban(guild.id, member.user.id, {}), `Ban ${member.user.username} from ${guild.name}?`)} aria-label={`Ban ${member.user.username}`}>
              Ban
            </Button>
          </div>
        )}
      </div>
      {editRoles && (
        <fieldset className="roles-edit">
          <legend>Roles of {member.user.username}</legend>
          {assignable.length === 0 && <p className="muted">This guild has no roles besides @everyone.</p>}
          {assignable.map((r) => (
            <label key={r.id} className="check">
              <input type="checkbox" checked={roles.includes(r.id)} onChange={(e) => setRoles((now) => (e.target.checked ? [...now, r.id] : now.filter((x) => x !== r.id)))} /> {r.name}
            </label>
          ))}
          <div className="row">
            <Button busy={busy === 'roles'} onClick={() => void run('roles', async () => {
              await client.updateMember(guild.id, member.user.id, { roles });
              setEditRoles(false);
            })}>
              Save roles
            </Button>
            <Button variant="ghost" onClick={() => { setRoles(member.roles); setEditRoles(false); }}>
              Cancel
            </Button>
          </div>
        </fieldset>
      )}
      <ErrorLine error={error} />
    </li>
  );
}

export function MembersTab({ guild, onMembershipChanged }: { guild: Guild; onMembershipChanged: () => void }) {
  const { client } = useSession();
  const [query, setQuery] = useState('');
  const [members, setMembers] = useState<Member[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    client.members(guild.id, { query, limit: 100 }).then(
      (m) => {
        setMembers(m);
        setError(null);
      },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, [client, guild.id, query]);

  useEffect(() => {
    const timer = setTimeout(load, query ? 250 : 0);
    return () => clearTimeout(timer);
  }, [load, query]);

  return (
    <>
      <div className="toolbar">
        <label>
          Search members
          <input type="search" name="member-search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Username or nickname" />
        </label>
      </div>
      {error && <Message title="Members could not be loaded" tone="error">{error}</Message>}
      {!members && !error && <p aria-busy="true">Loading members…</p>}
      {members && members.length === 0 && (
        <Message title={query ? 'No member matches' : 'No members'} tone="empty">
          {query ? `Nobody whose name starts with “${query}”.` : 'This guild has no members.'}
        </Message>
      )}
      {members && members.length > 0 && (
        <ul className="member-list">
          {members.map((m) => (
            <MemberRow
              key={`${m.user.id}:${m.roles.join(',')}:${m.communication_disabled_until ?? ''}`}
              guild={guild}
              member={m}
              onChanged={(left) => {
                load();
                if (left) onMembershipChanged();
              }}
            />
          ))}
        </ul>
      )}
    </>
  );
}
