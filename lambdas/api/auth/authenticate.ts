import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnauthorizedError } from '../../core/errors';
import type { Sql } from '../../ports/sql';
import type { Principal } from '../principal';
import type { AuthMode } from './auth-mode';
import { readCookie, SESSION_COOKIE } from './cookies';
import { assertCsrfToken, assertSameOrigin, isSafeMethod } from './csrf';
import { principalFromClaims, verifiedClaims } from './jwt-principal';
import type { SessionStore } from './session-store';

export interface Authenticator {
  /**
   * The caller of a protected route, or an `UnauthorizedError`; for a cookie session a
   * state-changing request must also come from our origin with the session's CSRF token.
   */
  authenticate(event: APIGatewayProxyEventV2): Promise<Principal>;
}

/**
 * The one place a request's identity is established: Cognito claims in AWS (only when the stack
 * runs with Cognito, so no local request can claim to be authorized), the session cookie locally.
 *
 * @example
 * const auth = createAuthenticator({ sql, mode: { kind: 'local' }, sessions: createSessionStore(sql) });
 * const principal = await auth.authenticate(event);
 */
export function createAuthenticator(deps: { sql: Sql; mode: AuthMode; sessions: SessionStore }): Authenticator {
  return {
    async authenticate(event) {
      if (deps.mode.kind === 'cognito') {
        const claims = verifiedClaims(event);
        if (!claims) throw new UnauthorizedError('sign in with Cognito: no verified token on the request');
        return principalFromClaims(deps.sql, claims);
      }
      const token = readCookie(event, SESSION_COOKIE);
      const session = token ? await deps.sessions.find(token) : undefined;
      if (!session) throw new UnauthorizedError('sign in first');
      if (!isSafeMethod(event.requestContext.http.method)) {
        assertSameOrigin(event);
        assertCsrfToken(event, session.csrfToken);
      }
      return session.principal;
    },
  };
}
