import { z } from 'zod';
import { NotFoundError, UnauthorizedError, ValidationError } from '../../core/errors';
import { withOrganization } from '../../db/tenant';
import type { ApiDeps } from '../api-deps';
import { type ApiRoute, defineRoute } from '../http/api-route';
import type { Principal } from '../principal';
import { ROLES } from '../roles';
import { acceptInvitation } from '../team/accept-invitation';
import { canUseSecureCookie, clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from './cookies';
import { assertSameOrigin } from './csrf';
import { verifiedClaims } from './jwt-principal';
import type { SessionStore } from './session-store';
import { signIn } from './sign-in';

const sessionSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), role: z.enum(ROLES) }),
  organization: z.object({ id: z.string(), name: z.string() }),
  csrfToken: z.string().optional().describe('echo in `x-csrf-token` on every state-changing request (local sign-in)'),
});

/** Who is signed in, into which organization (`GET /api/session`, and the answer to signing in). */
export type SessionView = z.infer<typeof sessionSchema>;

const password = z.string().min(12).max(200);

/** Sign-in, the current session, sign-out, invitation acceptance and the client configuration. */
export function sessionRoutes(deps: ApiDeps, sessions: SessionStore): ApiRoute[] {
  const now = deps.now ?? Date.now;
  const describe = async (principal: Principal, csrfToken: string | undefined) => {
    const organization = await withOrganization(deps.sql, principal.organizationId, (trx) =>
      trx.selectFrom('organizations').select(['id', 'name']).executeTakeFirstOrThrow(),
    );
    return {
      user: { id: principal.userId, email: principal.email, role: principal.role },
      organization,
      ...(csrfToken ? { csrfToken } : {}),
    };
  };
  const startSession = async (user: { userId: string; organizationId: string }, secure: boolean) => {
    const session = await sessions.create(user);
    const found = await sessions.find(session.token);
    if (!found) throw new UnauthorizedError('the new session was not found');
    return {
      cookie: sessionCookie(session.token, {
        secure,
        maxAgeSeconds: Math.round((session.expiresAt.getTime() - now()) / 1000),
      }),
      body: await describe(found.principal, session.csrfToken),
    };
  };
  const localOnly = () => {
    if (deps.auth.kind !== 'local') throw new NotFoundError('sign in with Cognito');
  };

  return [
    defineRoute({
      method: 'GET',
      path: '/api/config',
      access: 'public',
      tag: 'Session',
      summary: 'How the dashboard signs in: locally, or with the Cognito app client named here',
      response: { description: 'The sign-in mode and, for Cognito, the pool and client' },
      async handle() {
        return { body: { auth: deps.auth }, headers: { 'cache-control': 'public, max-age=300' } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/session',
      access: 'public',
      tag: 'Session',
      summary: 'Sign in with e-mail and password (npm start); sets the HttpOnly session cookie',
      body: z.object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(200) }).strict(),
      response: { status: 201, description: 'Signed in', schema: sessionSchema },
      async handle({ body, event }) {
        localOnly();
        // A sign-in form posted from another site would sign the browser into the attacker's account.
        assertSameOrigin(event);
        const user = await signIn(deps, body.email, body.password);
        const started = await startSession(user, canUseSecureCookie(event));
        return { status: 201, body: started.body, cookies: [started.cookie] };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/session',
      access: 'viewer',
      tag: 'Session',
      summary: 'Who is signed in, their organization and role',
      response: { description: 'The session', schema: sessionSchema },
      async handle({ principal, event }) {
        const token = readCookie(event, SESSION_COOKIE);
        const found = principal.via === 'session' && token ? await sessions.find(token) : undefined;
        return { body: await describe(principal, found?.csrfToken) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/session',
      access: 'viewer',
      tag: 'Session',
      summary: 'Sign out: the session ends on the server and the cookie is cleared',
      response: { status: 204, description: 'Signed out' },
      async handle({ principal, event }) {
        const token = readCookie(event, SESSION_COOKIE);
        if (token) await sessions.revoke(token, principal.organizationId);
        return { status: 204, cookies: [clearedSessionCookie(canUseSecureCookie(event))] };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/invitations/accept',
      access: 'public',
      tag: 'Team',
      summary: 'Accept an invitation: with a new password (npm start), or as the signed-in Cognito user',
      body: z
        .object({
          token: z.string().min(20).max(100).describe('from the invitation link'),
          password: password.optional().describe('the new password (npm start only; 12–200 characters)'),
        })
        .strict(),
      response: { status: 201, description: 'The new member, signed in', schema: sessionSchema },
      async handle({ body, event }) {
        if (deps.auth.kind === 'cognito') {
          const claims = verifiedClaims(event);
          const subject = typeof claims?.sub === 'string' ? claims.sub : undefined;
          const email = typeof claims?.email === 'string' ? claims.email : undefined;
          const verified = claims?.email_verified === 'true' || claims?.email_verified === true;
          if (!subject || !email || !verified)
            throw new UnauthorizedError('sign in with Cognito first, with a verified e-mail');
          const user = await acceptInvitation(deps.sql, body.token, { kind: 'cognito', subject, email }, now());
          return { status: 201, body: await describe({ ...user, via: 'jwt' }, undefined) };
        }
        assertSameOrigin(event);
        if (!body.password) throw new ValidationError('password is required', 'password');
        const user = await acceptInvitation(deps.sql, body.token, { kind: 'password', password: body.password }, now());
        const started = await startSession(user, canUseSecureCookie(event));
        return { status: 201, body: started.body, cookies: [started.cookie] };
      },
    }),
  ];
}
