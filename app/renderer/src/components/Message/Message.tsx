import type { ReactNode } from 'react';

/** A deliberate empty, error or info state: a title, a sentence, maybe an action. */
export function Message({ title, tone = 'info', children, action }: { title: string; tone?: 'info' | 'error' | 'empty'; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className={`message message-${tone}`} role={tone === 'error' ? 'alert' : undefined}>
      <h2>{title}</h2>
      {children && <p>{children}</p>}
      {action}
    </div>
  );
}

/** One line for a failed action, shown where the action was. */
export function ErrorLine({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p className="error-line" role="alert">
      {error}
    </p>
  );
}
