import type { ButtonHTMLAttributes } from 'react';

export function Button({ variant = 'primary', busy, children, ...rest }: { variant?: 'primary' | 'secondary' | 'danger' | 'ghost'; busy?: boolean } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type="button" className={`btn btn-${variant}`} aria-busy={busy || undefined} {...rest} disabled={rest.disabled || busy}>
      {children}
    </button>
  );
}
