import { createHash, randomBytes } from 'node:crypto';
import { withOrganization } from '../../db/tenant';
import type { Sql } from '../../ports/sql';
import type { Principal } from '../principal';

export interface NewSession {
  /** Goes into the cookie; only its hash is stored. */
  readonly token: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export interface FoundSession {
  readonly principal: Principal;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export interface SessionStore {
  create(user: { readonly userId: string; readonly organizationId: string }): Promise<NewSession>;
  /** The live session of a token, with the user's current role; `undefined` when unknown or expired. */
  find(token: string): Promise<FoundSession | undefined>;
  revoke(token: string, organizationId: string): Promise<void>;
}

/** Twelve hours: a working day, after which the browser signs in again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Sign-in sessions of `npm start` in PostgreSQL. A session is 256 random bits; the table holds its
 * SHA-256, so a copy of the database signs no one in. The lookup reads the user's role afresh on
 * every request, so a changed role or a removed member takes effect at once.
 *
 * @example
 * const sessions = createSessionStore(sql);
 * const { token, csrfToken } = await sessions.create({ userId, organizationId });
 * const found = await sessions.find(token); // found.principal.role === 'owner'
 */
export function createSessionStore(sql: Sql, options: { ttlMs?: number; now?: () => number } = {}): SessionStore {
  const ttlMs = options.ttlMs ?? SESSION_TTL_MS;
  const now = options.now ?? Date.now;
  return {
    async create({ userId, organizationId }) {
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const expiresAt = new Date(now() + ttlMs);
      await withOrganization(sql, organizationId, async (trx) => {
        await trx.deleteFrom('api_sessions').where('expires_at', '<', new Date(now())).execute();
        await trx
          .insertInto('api_sessions')
          .values({
            token_hash: hashToken(token),
            user_id: userId,
            organization_id: organizationId,
            csrf_token: csrfToken,
            expires_at: expiresAt,
          })
          .execute();
      });
      return { token, csrfToken, expiresAt };
    },
    async find(token) {
      if (!TOKEN.test(token)) return undefined;
      // Before a session is found there is no organization to scope by: this one lookup, by a
      // secret's hash, runs as the system role (as the site registry's key lookups do).
      const row = await sql.db
        .selectFrom('api_sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .select(['u.id', 'u.organization_id', 'u.email', 'u.role', 's.csrf_token', 's.expires_at'])
        .where('s.token_hash', '=', hashToken(token))
        .executeTakeFirst();
      if (!row || new Date(row.expires_at).getTime() <= now()) return undefined;
      return {
        principal: {
          userId: row.id,
          organizationId: row.organization_id,
          email: row.email,
          role: row.role,
          via: 'session',
        },
        csrfToken: row.csrf_token,
        expiresAt: new Date(row.expires_at),
      };
    },
    async revoke(token, organizationId) {
      await withOrganization(sql, organizationId, (trx) =>
        trx.deleteFrom('api_sessions').where('token_hash', '=', hashToken(token)).execute(),
      );
    },
  };
}
