import { useEffect, useState } from 'react';
import type { AuditLog, Guild } from '../../api/admin';
import { Message } from '../../components/Message/Message';
import { useSession } from '../../session';

/** Discord's AuditLogEvent numbers, the ones Hearth records. */
const ACTIONS: Record<number, string> = {
  1: 'updated the guild',
  10: 'created a channel',
  11: 'updated a channel',
  12: 'deleted a channel',
  13: 'added a permission overwrite',
  14: 'updated a permission overwrite',
  15: 'removed a permission overwrite',
  20: 'kicked',
  21: 'pruned members',
  22: 'banned',
  23: 'unbanned',
  24: 'updated member',
  25: 'changed roles of',
  28: 'added a bot',
  30: 'created a role',
  31: 'updated a role',
  32: 'deleted a role',
  40: 'created an invite',
  42: 'deleted an invite',
  50: 'created a webhook',
  72: 'deleted a message of',
};

export function AuditTab({ guild }: { guild: Guild }) {
  const { client } = useSession();
  const [log, setLog] = useState<AuditLog | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.auditLog(guild.id).then(setLog, (err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [client, guild.id]);

  if (error) return <Message title="The audit log could not be loaded" tone="error">{error}</Message>;
  if (!log) return <p aria-busy="true">Loading the audit log…</p>;
  if (log.audit_log_entries.length === 0) return <Message title="Nothing recorded yet" tone="empty">Moderation actions in this guild are listed here.</Message>;
  const who = (id: string | null) => (id ? (log.users.find((u) => u.id === id)?.username ?? id) : 'someone');
  return (
    <ol className="audit card">
      {log.audit_log_entries.map((e) => (
        <li key={e.id}>
          <strong>{who(e.user_id)}</strong> {ACTIONS[e.action_type] ?? `did action ${e.action_type} on`} {e.target_id && log.users.some((u) => u.id === e.target_id) ? <strong>{who(e.target_id)}</strong> : null}
          {e.reason && <span className="muted"> — “{e.reason}”</span>}
          <time className="muted">{new Date(Number((BigInt(e.id) >> 22n) + 1420070400000n)).toLocaleString()}</time>
        </li>
      ))}
    </ol>
  );
}
