import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ChatSession } from './chat';
import type { State } from './state';

export const ChatContext = createContext<ChatSession | null>(null);

export function useSession(): ChatSession {
  const session = useContext(ChatContext);
  if (!session) throw new Error('useSession outside a signed-in view');
  return session;
}

/** Re-renders when the selected value changes; the selector must return stable values. */
export function useChat<T>(selector: (state: State, session: ChatSession) => T): T {
  const session = useSession();
  return useSyncExternalStore(session.subscribe, () => selector(session.getState(), session));
}
