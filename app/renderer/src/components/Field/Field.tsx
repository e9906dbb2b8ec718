import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

interface FrameProps {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  /** The control, given its id and the id of the text that describes it. */
  children: (id: string, describedBy: string | undefined) => ReactNode;
}

/** A label, one control, and its error (or hint) right below it, tied to it for screen readers. */
export function FieldFrame({ label, error, hint, children }: FrameProps) {
  const id = useId();
  const described = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id, described)}
      {error ? (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
    </div>
  );
}

/** A labelled input with its error right below it. */
export function Field({ label, error, hint, ...input }: { label: string; error?: string | undefined; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldFrame label={label} error={error} hint={hint}>
      {(id, described) => <input id={id} aria-invalid={error ? true : undefined} aria-describedby={described} {...input} />}
    </FieldFrame>
  );
}
