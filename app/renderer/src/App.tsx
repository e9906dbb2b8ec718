import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { AdminClient, ApiError, type AdminUser } from './api/admin';
import { adminBase } from './api/hearth';
import { Layout } from './components/Layout/Layout';
import { Message } from './components/Message/Message';
import { Guild } from './pages/Guild';
import { Login } from './pages/Login';
import { Logs } from './pages/Logs';
import { Moderation } from './pages/Moderation';
import { Overview } from './pages/Overview';
import { RabbitMq } from './pages/RabbitMq';
import { Settings } from './pages/Settings';
import { Setup } from './pages/Setup';
import { Tls } from './pages/Tls';
import { Lan } from './pages/Lan';
import { match, RouterProvider, useRouter } from './router';
import { SessionContext } from './session';

/** Pages behind the login, by path (each also has an entry in `NAV`, Layout). */
function routePage(path: string): ReactNode {
  if (path === '/') return <Overview />;
  if (path === '/logs') return <Logs />;
  if (path === '/settings') return <Settings />;
  if (path === '/tls') return <Tls />;
  if (path === '/lan') return <Lan />;
  if (path === '/rabbitmq') return <RabbitMq />;
  if (path === '/moderation') return <Moderation />;
  const guild = match('/moderation/:guildId', path);
  if (guild) return <Guild guildId={guild.guildId!} />;
  return <Message title="Page not found" tone="info">There is no dashboard page at this address. Pick one in the navigation.</Message>;
}

type Boot = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; user: AdminUser | null; needsSetup: boolean };

function Shell({ client }: { client: AdminClient }) {
  const { path, navigate } = useRouter();
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });

  useEffect(() => {
    let live = true;
    (async () => {
      const { needs_setup } = await client.setupStatus();
      const user = needs_setup ? null : await client.session().then((s) => s.user, (err: unknown) => {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      });
      if (live) setBoot({ state: 'ready', user, needsSetup: needs_setup });
    })().catch((err: unknown) => {
      if (live) setBoot({ state: 'error', message: err instanceof Error ? err.message : String(err) });
    });
    return () => {
      live = false;
    };
  }, [client]);

  const session = useMemo(
    () => ({
      client,
      user: boot.state === 'ready' ? boot.user : null,
      setUser: (user: AdminUser | null) => setBoot((b) => (b.state === 'ready' ? { ...b, user, needsSetup: false } : b)),
    }),
    [client, boot],
  );

  // After login, /login leads home.
  const signedInOnLogin = boot.state === 'ready' && boot.user !== null && path === '/login';
  useEffect(() => {
    if (signedInOnLogin) navigate('/', { replace: true });
  }, [signedInOnLogin, navigate]);

  if (boot.state === 'loading') return <div className="boot" aria-busy="true">Loading the dashboard…</div>;
  if (boot.state === 'error') {
    return (
      <main className="centered">
        <Message title="The dashboard cannot reach this Hearth node" tone="error">
          {boot.message}. Check that the node is running, then reload the page.
        </Message>
      </main>
    );
  }

  let content: ReactNode;
  if (path === '/setup' || (boot.needsSetup && !boot.user)) content = <Setup needsSetup={boot.needsSetup} />;
  else if (!boot.user) content = <Login />;
  else content = <Layout>{routePage(path)}</Layout>;

  return <SessionContext.Provider value={session}>{content}</SessionContext.Provider>;
}

export function App() {
  const [client, setClient] = useState<AdminClient | null>(null);
  useEffect(() => {
    void adminBase().then((base) => setClient(new AdminClient(base)));
  }, []);
  if (!client) return <div className="boot" aria-busy="true">Loading the dashboard…</div>;
  return (
    <RouterProvider>
      <Shell client={client} />
    </RouterProvider>
  );
}
