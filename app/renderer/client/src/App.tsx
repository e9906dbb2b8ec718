import { useEffect, useMemo } from 'react';
import { RestClient } from './api/rest';
import { getToken, setToken, useToken } from './auth';
import { AuthPage } from './pages/AuthPage';
import { ChatView } from './pages/ChatView';
import { InvitePage } from './pages/InvitePage';
import { SettingsPage } from './pages/SettingsPage';
import { navigate, parseRoute, usePath } from './router';
import { ChatSession } from './store/chat';
import { ChatContext } from './store/context';

/** One REST client for the page; a 401 on a signed-in request signs out. */
export const rest = new RestClient(getToken, () => setToken(null));

export function App() {
  const token = useToken();
  const path = usePath();
  const route = parseRoute(path);
  // One session per token; its gateway connection runs while this view is mounted.
  const session = useMemo(() => (token ? new ChatSession(rest, token) : null), [token]);
  useEffect(() => {
    if (!session) return;
    session.start();
    return () => session.stop();
  }, [session]);

  const signedOutRoute = route.name === 'login' || route.name === 'register';
  useEffect(() => {
    if (!token && !signedOutRoute && route.name !== 'invite') navigate(`/login${path !== '/' && path !== '/channels/@me' ? `?next=${encodeURIComponent(path)}` : ''}`, true);
    if (token && signedOutRoute) navigate('/channels/@me', true);
  }, [token, signedOutRoute, route.name, path]);

  let view;
  if (route.name === 'login' || route.name === 'register') view = <AuthPage mode={route.name} />;
  else if (route.name === 'invite') view = <InvitePage code={route.code} signedIn={!!token && !!session} />;
  else if (!token || !session) view = <div className="splash" role="status">Loading…</div>;
  else if (route.name === 'settings') view = <SettingsPage />;
  else view = <ChatView guildId={route.guildId} channelId={route.channelId} />;

  return <ChatContext.Provider value={session}>{view}</ChatContext.Provider>;
}
