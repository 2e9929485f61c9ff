import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client';
import { type CognitoStep, cognitoChallenge, cognitoSignIn } from '../api/cognito';
import type { Session } from '../api/types';
import { useSession } from '../auth/SessionProvider';

/** E-mail and password: against the database in `npm start`, against Cognito in AWS. */
export function SignIn() {
  const { config, adopt, refresh } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<Exclude<CognitoStep, { kind: 'signed-in' }>>();
  const [answer, setAnswer] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (config?.kind === 'cognito') {
        const step = challenge
          ? await cognitoChallenge(config, challenge, email, answer)
          : await cognitoSignIn(config, email, password);
        if (step.kind === 'signed-in') await refresh();
        else setChallenge(step);
      } else {
        adopt(await api<Session>('/api/session', { method: 'POST', body: { email, password } }));
      }
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 401 ? 'That e-mail and password do not match.' : (e as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth-page">
      <form className="card auth-card" onSubmit={(e) => void submit(e)}>
        <h1>Sign in to Sightline</h1>
        {challenge ? (
          <label className="field">
            <span>
              {challenge.kind === 'new-password' ? 'Choose a new password' : 'Code from your authenticator app'}
            </span>
            <input
              name="challenge"
              type={challenge.kind === 'new-password' ? 'password' : 'text'}
              autoComplete={challenge.kind === 'new-password' ? 'new-password' : 'one-time-code'}
              value={answer}
              onChange={(e) => setAnswer(e.target.value)}
              required
            />
          </label>
        ) : (
          <>
            <label className="field">
              <span>E-mail</span>
              <input
                name="email"
                type="email"
                autoComplete="username"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                required
              />
            </label>
            <label className="field">
              <span>Password</span>
              <input
                name="password"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                required
              />
            </label>
          </>
        )}
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {config?.kind !== 'cognito' ? (
          <p className="muted small">
            The first start printed the owner's sign-in; it is also in the data directory's admin.json.
          </p>
        ) : null}
      </form>
    </div>
  );
}
