import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, setBearerToken, setCsrfToken, UNAUTHORIZED_EVENT } from '../api/client';
import { cognitoIdToken, cognitoSignOut } from '../api/cognito';
import type { AuthConfig, Role, Session } from '../api/types';

export interface SessionState {
  readonly status: 'loading' | 'signed-out' | 'signed-in' | 'error';
  readonly config: AuthConfig | undefined;
  readonly session: Session | undefined;
  readonly error: string | undefined;
  /** Call after a sign-in step succeeded: reads the session from the API. */
  refresh(): Promise<void>;
  adopt(session: Session): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2, owner: 3 };

/** Whether `role` grants `required` (the server checks again on every request). */
export function grants(role: Role | undefined, required: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[required];
}

/** Whether the signed-in member's role grants `required`. */
export function useCan(required: Role): boolean {
  return grants(useSession().session?.user.role, required);
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** Loads how to sign in and who is signed in; goes back to signed-out whenever the API says 401. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [config, setConfig] = useState<AuthConfig>();
  const [session, setSession] = useState<Session>();
  const [status, setStatus] = useState<SessionState['status']>('loading');
  const [error, setError] = useState<string>();

  const adopt = useCallback((next: Session) => {
    setCsrfToken(next.csrfToken);
    setSession(next);
    setStatus('signed-in');
  }, []);

  const refresh = useCallback(async () => {
    try {
      adopt(await api<Session>('/api/session'));
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        setSession(undefined);
        setStatus('signed-out');
      } else {
        setError(e instanceof Error ? e.message : String(e));
        setStatus('error');
      }
    }
  }, [adopt]);

  useEffect(() => {
    api<{ auth: AuthConfig }>('/api/config')
      .then(async ({ auth }) => {
        setConfig(auth);
        if (auth.kind === 'cognito') {
          setBearerToken(() => cognitoIdToken(auth));
          if (!(await cognitoIdToken(auth))) {
            setStatus('signed-out');
            return;
          }
        }
        await refresh();
      })
      .catch((e: unknown) => {
        setError(e instanceof Error ? e.message : String(e));
        setStatus('error');
      });
  }, [refresh]);

  useEffect(() => {
    const onUnauthorized = () => {
      setSession(undefined);
      setStatus('signed-out');
    };
    window.addEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, onUnauthorized);
  }, []);

  const signOut = useCallback(async () => {
    if (config?.kind === 'cognito') cognitoSignOut();
    else await api('/api/session', { method: 'DELETE' }).catch(() => undefined);
    setCsrfToken(undefined);
    setSession(undefined);
    setStatus('signed-out');
  }, [config]);

  const value = useMemo(
    () => ({ status, config, session, error, refresh, adopt, signOut }),
    [status, config, session, error, refresh, adopt, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
