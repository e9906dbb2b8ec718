import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/admin';
import { Button } from '../components/Button/Button';
import { Field } from '../components/Field/Field';
import { ErrorLine } from '../components/Message/Message';
import { useRouter } from '../router';
import { useSession } from '../session';

export function Login() {
  const { client, setUser } = useSession();
  const { navigate, path } = useRouter();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ login?: string; password?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const { user } = await client.login(login, password);
      setUser(user);
      if (path === '/login') navigate('/', { replace: true });
    } catch (err) {
      if (err instanceof ApiError && (err.field(['login']) || err.field(['password']))) {
        setErrors({ login: err.field(['login']), password: err.field(['password']) });
      } else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="centered">
      <form className="card auth-card" onSubmit={(e) => void submit(e)} noValidate>
        <h1>Sign in to Hearth</h1>
        <p className="lede">Administrators of this node only.</p>
        <Field label="Email or username" name="login" autoComplete="username" required value={login} onChange={(e) => setLogin(e.target.value)} error={errors.login} autoFocus />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} />
        <ErrorLine error={error} />
        <Button type="submit" busy={busy}>
          Sign in
        </Button>
      </form>
    </main>
  );
}
