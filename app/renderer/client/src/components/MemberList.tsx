import { displayName, type Member } from '../api/types';
import { useChat } from '../store/context';
import type { GuildState } from '../store/state';
import { Avatar } from './ui';

const STATUS_LABEL: Record<string, string> = { online: 'Online', idle: 'Idle', dnd: 'Do Not Disturb', offline: 'Offline' };

/** The right column: members grouped Online / Offline with a presence dot (GUILD_MEMBERS_CHUNK + PRESENCE_UPDATE). */
export function MemberList({ guild }: { guild: GuildState }) {
  const presences = useChat((s) => s.presences);
  const members = [...guild.members.values()].filter((m) => m.user);
  const status = (m: Member) => presences.get(m.user!.id) ?? 'offline';
  const byName = (a: Member, b: Member) => displayName(a.user, a).localeCompare(displayName(b.user, b));
  const online = members.filter((m) => status(m) !== 'offline' && status(m) !== 'invisible').sort(byName);
  const offline = members.filter((m) => !online.includes(m)).sort(byName);
  const topColor = (m: Member) => {
    const role = guild.roles.filter((r) => r.color && m.roles.includes(r.id)).sort((a, b) => b.position - a.position)[0];
    return role ? { color: `#${role.color.toString(16).padStart(6, '0')}` } : undefined;
  };
  return (
    <aside className="member-list" aria-label="Members">
      {[
        ['Online', online],
        ['Offline', offline],
      ].map(([label, list]) =>
        (list as Member[]).length ? (
          <section key={label as string} aria-label={`${label} members`}>
            <h2>
              {label as string} — {(list as Member[]).length}
            </h2>
            <ul>
              {(list as Member[]).map((m) => (
                <li key={m.user!.id} className={`member ${status(m)}`} data-user-id={m.user!.id} data-status={status(m)}>
                  <span className="member-avatar">
                    <Avatar user={m.user} size={32} />
                    <span className={`presence ${status(m)}`} role="img" aria-label={STATUS_LABEL[status(m)] ?? status(m)} />
                  </span>
                  <span className="member-name" style={topColor(m)}>
                    {displayName(m.user, m)}
                  </span>
                  {m.user!.bot ? <span className="bot-tag">BOT</span> : null}
                  {m.user!.id === guild.ownerId ? (
                    <svg className="owner-crown" viewBox="0 0 24 24" role="img" aria-label="Server owner">
                      <title>Server owner</title>
                      <path d="M3 18h18v2H3v-2Zm0-12 5 4 4-6 4 6 5-4-2 10H5L3 6Z" />
                    </svg>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        ) : null,
      )}
    </aside>
  );
}
