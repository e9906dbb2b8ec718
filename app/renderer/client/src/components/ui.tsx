// Small shared controls: labelled fields with their API error under them, a dialog, avatars.
import { useEffect, useId, useRef, type InputHTMLAttributes, type ReactNode } from 'react';
import type { User } from '../api/types';

export function Field({ label, error, hint, ...input }: { label: string; error?: string; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...input} />
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : hint ? (
        <p className="field-hint">{hint}</p>
      ) : null}
    </div>
  );
}

export function FormError({ error }: { error?: string }) {
  return error ? (
    <p className="form-error" role="alert">
      {error}
    </p>
  ) : null;
}

/** A modal dialog (native <dialog>: focus trap, Escape closes). */
export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className="modal" aria-label={title} onClose={onClose} onCancel={onClose}>
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}

const COLORS = ['#5865f2', '#3ba55c', '#faa61a', '#ed4245', '#eb459e', '#00a8fc'];

export function initials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 3)
      .map((w) => [...w][0])
      .join('') || '?'
  );
}

export function Avatar({ user, size = 40 }: { user?: User; size?: number }) {
  const style = { width: size, height: size };
  if (user?.avatar) return <img className="avatar" style={style} src={`/cdn/avatars/${user.id}/${user.avatar}.png?size=${size <= 64 ? 64 : 128}`} alt="" />;
  const name = user?.username ?? '';
  let index = 0;
  for (const ch of name) index = (index * 31 + ch.charCodeAt(0)) % COLORS.length;
  return (
    <span className="avatar avatar-default" style={{ ...style, background: COLORS[index], fontSize: size * 0.42 }} aria-hidden="true">
      {initials(user?.global_name || user?.username || '?')[0]?.toUpperCase()}
    </span>
  );
}
