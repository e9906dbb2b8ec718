import { createContext, useContext } from 'react';
import type { AdminClient, AdminUser } from './api/admin';

export interface SessionValue {
  client: AdminClient;
  user: AdminUser | null;
  /** Called after login/setup (a user) or logout (null). */
  setUser: (user: AdminUser | null) => void;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside <SessionContext>');
  return value;
}
