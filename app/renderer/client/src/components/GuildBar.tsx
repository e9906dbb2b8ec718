import { useState } from 'react';
import { navigate } from '../router';
import { useChat } from '../store/context';
import { CreateGuildDialog } from './dialogs';
import { initials } from './ui';

/** The left rail: one round icon (or initials) per guild, then "add a server". */
export function GuildBar({ activeId }: { activeId: string | null }) {
  const order = useChat((s) => s.guildOrder);
  const guilds = useChat((s) => s.guilds);
  const [creating, setCreating] = useState(false);
  return (
    <nav className="guild-bar" aria-label="Servers">
      <ul>
        {order.map((id) => {
          const g = guilds.get(id);
          if (!g) return null;
          return (
            <li key={id} className={id === activeId ? 'active' : ''}>
              <a
                href={`/channels/${id}`}
                className="guild-icon"
                aria-label={g.name}
                aria-current={id === activeId ? 'page' : undefined}
                title={g.name}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/channels/${id}`);
                }}
              >
                {g.icon ? <img src={`/cdn/icons/${g.id}/${g.icon}.png?size=96`} alt="" /> : <span>{initials(g.name)}</span>}
              </a>
            </li>
          );
        })}
        <li>
          <button className="guild-icon add" aria-label="Add a server" title="Add a server" onClick={() => setCreating(true)}>
            +
          </button>
        </li>
      </ul>
      {creating ? <CreateGuildDialog onClose={() => setCreating(false)} /> : null}
    </nav>
  );
}
