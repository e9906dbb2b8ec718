import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/admin';
import { Button } from '../components/Button/Button';
import { Field } from '../components/Field/Field';
import { ErrorLine, Message } from '../components/Message/Message';
import { Link } from '../router';
import { useSession } from '../session';
import { SettingsForm } from './Settings';

/** The one-time token of the setup link (`/admin/setup#token=…`): kept in the hash so no server log sees it. */
function tokenFromHash(): string {
  return new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
}

function OwnerForm({ token, onDone }: { token: string; onDone: () => void }) {
  const { client, setUser } = useSession();
  const [form, setForm] = useState({ username: '', email: '', password: '', date_of_birth: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const { user } = await client.setup({ ...form, setup_token: token });
      // The URL no longer needs the (now used) token.
      history.replaceState(null, '', location.pathname);
      setUser(user);
      onDone();
    } catch (err) {
      if (err instanceof ApiError) {
        const fields = err.fields();
        setErrors(fields);
        if (Object.keys(fields).length === 0) setError(err.status === 401 ? 'This setup link is not valid any more. Restart the node to print a new one.' : err.message);
      } else setError('The node did not answer. Is it still running?');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card auth-card" onSubmit={(e) => void submit(e)} noValidate>
      <h1>Create the owner account</h1>
      <p className="lede">This link works once. The account you create here administers this Hearth server and can sign in to any Discord-compatible client.</p>
      <Field label="Username" name="username" autoComplete="username" required minLength={2} maxLength={32} value={form.username} onChange={set('username')} error={errors.username} />
      <Field label="Email" name="email" type="email" autoComplete="email" required value={form.email} onChange={set('email')} error={errors.email} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={8} value={form.password} onChange={set('password')} error={errors.password} hint="At least 8 characters." />
      <Field label="Date of birth" name="date_of_birth" type="date" required value={form.date_of_birth} onChange={set('date_of_birth')} error={errors.date_of_birth} />
      <ErrorLine error={error} />
      <Button type="submit" busy={busy}>
        Create account
      </Button>
    </form>
  );
}

export function Setup({ needsSetup }: { needsSetup: boolean }) {
  const { user } = useSession();
  const [token] = useState(tokenFromHash);
  const [step, setStep] = useState<'account' | 'wizard'>(needsSetup ? 'account' : 'wizard');

  if (step === 'account') {
    if (!token) {
      return (
        <main className="centered">
          <Message title="Open the setup link" tone="info">
            This Hearth node has no owner yet. Open the setup link the node printed when it started (it ends with <code>#token=…</code>); it works once.
          </Message>
        </main>
      );
    }
    return (
      <main className="centered">
        <OwnerForm token={token} onDone={() => setStep('wizard')} />
      </main>
    );
  }
  if (!user) {
    return (
      <main className="centered">
        <Message title="Setup is done" tone="info" action={<Link to="/login" className="btn btn-primary">Sign in</Link>}>
          This node already has an owner. Sign in to change its settings.
        </Message>
      </main>
    );
  }
  return (
    <main className="centered">
      <div className="card wizard-card">
        <p className="step">Step 2 of 2</p>
        <h1>Name and reach your server</h1>
        <p className="lede">You can change all of this later under Settings.</p>
        <SettingsForm submitLabel="Finish setup" afterSave="/" />
      </div>
    </main>
  );
}
