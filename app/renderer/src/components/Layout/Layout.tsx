import { useState, type ReactNode } from 'react';
import { Link, useRouter } from '../../router';
import { useSession } from '../../session';

export interface NavItem {
  to: string;
  label: string;
}

/** The left navigation. */
export const NAV: NavItem[] = [
  { to: '/', label: 'Overview' },
  { to: '/logs', label: 'Logs' },
  { to: '/moderation', label: 'Moderation' },
  { to: '/settings', label: 'Settings' },
  { to: '/tls', label: 'TLS' },
  { to: '/lan', label: 'LAN party' },
  { to: '/rabbitmq', label: 'RabbitMQ' },
];

function isActive(item: string, path: string): boolean {
  return item === '/' ? path === '/' : path === item || path.startsWith(`${item}/`);
}

export function Layout({ children }: { children: ReactNode }) {
  const { path, navigate } = useRouter();
  const { client, user, setUser } = useSession();
  const [busy, setBusy] = useState(false);

  const logout = async () => {
    setBusy(true);
    try {
      await client.logout();
    } finally {
      setBusy(false);
      setUser(null);
      navigate('/login', { replace: true });
    }
  };

  return (
    <div className="layout">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Dashboard">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          Hearth
        </div>
        <ul>
          {NAV.map((item) => (
            <li key={item.to}>
              <Link to={item.to} aria-current={isActive(item.to, path) ? 'page' : undefined}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <div className="who" title="Signed in as">
            {user?.username}
          </div>
          <button type="button" className="btn btn-ghost" onClick={() => void logout()} disabled={busy}>
            Sign out
          </button>
        </div>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
