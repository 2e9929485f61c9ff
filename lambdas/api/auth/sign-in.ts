import { createHash, randomBytes } from 'node:crypto';
import { sql as raw } from 'kysely';
import { UnauthorizedError } from '../../core/errors';
import type { KeyValue } from '../../ports/key-value';
import type { Sql } from '../../ports/sql';
import { hashPassword, verifyPassword } from '../../runtime/passwords';
import { RateLimitedError } from '../api-errors';

export interface SignInDeps {
  readonly sql: Sql;
  /** Counts failed attempts per e-mail address. */
  readonly keyValue: KeyValue;
}

/** Failed attempts an address may make per window before sign-in is refused for the rest of it. */
export const SIGN_IN_ATTEMPTS = 10;
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;

let decoy: Promise<string> | undefined;

/**
 * Checks an e-mail and password against the `users` table (scrypt, `runtime/passwords.ts`). An
 * unknown address costs the same scrypt run as a wrong password, so timing does not tell which
 * addresses are members; an address gets `SIGN_IN_ATTEMPTS` tries per window.
 *
 * @example
 * const user = await signIn({ sql, keyValue }, 'admin@sightline.local', password);
 * // { userId, organizationId }
 */
export async function signIn(
  deps: SignInDeps,
  email: string,
  password: string,
): Promise<{ userId: string; organizationId: string }> {
  const attemptsKey = `api:sign-in:${createHash('sha256').update(email.toLowerCase()).digest('hex')}`;
  const attempts = await deps.keyValue.increment(attemptsKey, 1, { ttlSeconds: SIGN_IN_WINDOW_SECONDS });
  if (attempts > SIGN_IN_ATTEMPTS) {
    throw new RateLimitedError('too many sign-in attempts; try again later', SIGN_IN_WINDOW_SECONDS);
  }
  // Sign-in is how the organization becomes known, so this lookup runs as the system role.
  const user = await deps.sql.db
    .selectFrom('users')
    .select(['id', 'organization_id', 'password_hash'])
    .where(raw`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  const valid = await verifyPassword(password, user?.password_hash ?? (await decoy));
  if (!user || !valid) throw new UnauthorizedError('e-mail or password is wrong');
  await deps.keyValue.delete(attemptsKey);
  return { userId: user.id, organizationId: user.organization_id };
}
