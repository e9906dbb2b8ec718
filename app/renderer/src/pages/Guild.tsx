import { useCallback, useEffect, useState } from 'react';
import type { Guild as GuildValue } from '../api/admin';
import { Message } from '../components/Message/Message';
import { Link } from '../router';
import { useSession } from '../session';
import { AuditTab } from './guild/AuditTab';
import { BansTab } from './guild/BansTab';
import { ChannelsTab } from './guild/ChannelsTab';
import { MembersTab } from './guild/MembersTab';

const TABS = [
  { id: 'members', label: 'Members' },
  { id: 'bans', label: 'Bans' },
  { id: 'channels', label: 'Channels' },
  { id: 'audit', label: 'Audit log' },
] as const;
type Tab = (typeof TABS)[number]['id'];

export function Guild({ guildId }: { guildId: string }) {
  const { client } = useSession();
  const [guild, setGuild] = useState<GuildValue | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('members');

  // Reloaded after kicks and bans, so the member count stays true.
  const reload = useCallback(() => {
    client.guild(guildId).then(setGuild, (err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [client, guildId]);
  useEffect(reload, [reload]);

  if (error) return <Message title="This guild could not be loaded" tone="error" action={<Link to="/moderation">Back to the guilds</Link>}>{error}</Message>;
  if (!guild) return <p aria-busy="true">Loading the guild…</p>;
  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/moderation">Moderation</Link> <span aria-hidden="true">›</span> <span>{guild.name}</span>
      </nav>
      <header className="page-head">
        <h1>{guild.name}</h1>
        {guild.approximate_member_count !== undefined && (
          <span className="muted" data-testid="member-count">
            {guild.approximate_member_count} {guild.approximate_member_count === 1 ? 'member' : 'members'}
          </span>
        )}
      </header>
      <div className="tabs" role="tablist" aria-label="Guild sections">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" id={`tab-${t.id}`} aria-selected={tab === t.id} aria-controls={`panel-${t.id}`} className="tab" onClick={() => setTab(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'members' && <MembersTab guild={guild} onMembershipChanged={reload} />}
        {tab === 'bans' && <BansTab guild={guild} />}
        {tab === 'channels' && <ChannelsTab guild={guild} />}
        {tab === 'audit' && <AuditTab guild={guild} />}
      </section>
    </>
  );
}
