import type { TextareaHTMLAttributes } from 'react';
import { FieldFrame } from '../../components/Field/Field';

/** A labelled textarea (PEM input) with its error below it, like Field. */
export function TextArea({ label, error, hint, ...area }: { label: string; error?: string | undefined; hint?: string } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <FieldFrame label={label} error={error} hint={hint}>
      {(id, described) => <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={described} spellCheck={false} rows={6} className="mono" {...area} />}
    </FieldFrame>
  );
}
