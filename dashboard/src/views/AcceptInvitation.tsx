import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { Session } from '../api/types';
import { useSession } from '../auth/SessionProvider';

/** `/accept-invitation#<token>`: joins the organization with a new password (or as the Cognito user). */
export function AcceptInvitation() {
  const { config, adopt, status } = useSession();
  const navigate = useNavigate();
  const token = window.location.hash.slice(1);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const cognito = config?.kind === 'cognito';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await api<Session>('/api/invitations/accept', {
        method: 'POST',
        body: cognito ? { token } : { token, password },
      });
      adopt(session);
      navigate('/', { replace: true });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth-page">
      <form className="card auth-card" onSubmit={(e) => void submit(e)}>
        <h1>Join your team on Sightline</h1>
        {!token ? <p className="form-error">This link has no invitation in it. Ask for a new one.</p> : null}
        {cognito && status !== 'signed-in' ? (
          <p className="muted">
            Sign in first with the temporary password Cognito e-mailed you, then open this link again.
          </p>
        ) : null}
        {!cognito ? (
          <label className="field">
            <span>Choose a password (at least 12 characters)</span>
            <input
              name="password"
              type="password"
              autoComplete="new-password"
              minLength={12}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
        ) : null}
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button primary" disabled={busy || !token}>
          Accept invitation
        </button>
      </form>
    </div>
  );
}
