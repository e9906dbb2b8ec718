import { useState, type FormEvent } from 'react';
import { rest } from '../App';
import { ApiError, errorText } from '../api/rest';
import { setToken } from '../auth';
import { Field, FormError } from '../components/ui';
import { navigate, nextPath } from '../router';

type Errors = Partial<Record<'login' | 'password' | 'email' | 'username' | 'date_of_birth' | 'consent' | 'form', string>>;

/** Login and registration; field errors from the API appear under the inputs that caused them. */
export function AuthPage({ mode }: { mode: 'login' | 'register' }) {
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const next = nextPath();
  const carry = next !== '/channels/@me' ? `?next=${encodeURIComponent(next)}` : '';

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const value = (k: string) => String(form.get(k) ?? '');
    setBusy(true);
    setErrors({});
    try {
      const res =
        mode === 'login'
          ? await rest.request<{ token: string }>('POST', '/auth/login', { login: value('login'), password: value('password') })
          : await rest.request<{ token: string }>('POST', '/auth/register', {
              email: value('email'),
              username: value('username'),
              global_name: value('global_name') || undefined,
              password: value('password'),
              date_of_birth: value('date_of_birth'),
              consent: form.get('consent') === 'on',
            });
      setToken(res.token);
      navigate(next, true);
    } catch (err) {
      if (err instanceof ApiError && err.errors) {
        const fields: Errors = {};
        for (const key of ['login', 'password', 'email', 'username', 'date_of_birth', 'consent'] as const) fields[key] = err.fieldError(key);
        if (!Object.values(fields).some(Boolean)) fields.form = err.message;
        setErrors(fields);
      } else setErrors({ form: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={submit} noValidate aria-label={mode === 'login' ? 'Log in' : 'Create an account'}>
        {mode === 'login' ? (
          <>
            <h1>Welcome back!</h1>
            <p className="muted">We&apos;re so excited to see you again!</p>
            <Field label="Email or username" name="login" autoComplete="username" required error={errors.login} autoFocus />
            <Field label="Password" name="password" type="password" autoComplete="current-password" required error={errors.password} />
          </>
        ) : (
          <>
            <h1>Create an account</h1>
            <Field label="Email" name="email" type="email" autoComplete="email" required error={errors.email} autoFocus />
            <Field label="Display name" name="global_name" autoComplete="nickname" hint="This is how others see you. You can use special characters and emoji." />
            <Field label="Username" name="username" autoComplete="username" required error={errors.username} hint="Letters, numbers, underscores and periods." />
            <Field label="Password" name="password" type="password" autoComplete="new-password" required error={errors.password} hint="At least 8 characters." />
            <Field label="Date of birth" name="date_of_birth" type="date" required error={errors.date_of_birth} />
            <label className={`check${errors.consent ? ' has-error' : ''}`}>
              <input type="checkbox" name="consent" /> I agree to this server&apos;s terms of service.
            </label>
            {errors.consent ? (
              <p className="field-error" role="alert">
                {errors.consent}
              </p>
            ) : null}
          </>
        )}
        <FormError error={errors.form} />
        <button className="btn primary wide" type="submit" disabled={busy}>
          {mode === 'login' ? 'Log In' : 'Continue'}
        </button>
        {mode === 'login' ? (
          <p className="muted small">
            Need an account?{' '}
            <a href={`/register${carry}`} onClick={(e) => (e.preventDefault(), navigate(`/register${carry}`))}>
              Register
            </a>
          </p>
        ) : (
          <p className="muted small">
            <a href={`/login${carry}`} onClick={(e) => (e.preventDefault(), navigate(`/login${carry}`))}>
              Already have an account?
            </a>
          </p>
        )}
      </form>
    </main>
  );
}
