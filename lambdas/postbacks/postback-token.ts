import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A fresh shared secret for a site's postback URLs (`sl_token`), shown once.
 *
 * @example
 * const token = newPostbackToken(); // 'pbt_…' (32 random bytes, base64url)
 */
export function newPostbackToken(): string {
  return `pbt_${randomBytes(32).toString('base64url')}`;
}

/**
 * What is stored of a token: its SHA-256 (hex). Tokens are random, so a fast hash is enough.
 *
 * @example
 * hashPostbackToken('pbt_x'); // 64 hex characters
 */
export function hashPostbackToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Whether a presented token matches the stored hash, in constant time.
 *
 * @example
 * tokenMatches(request.token, settings.tokenHash);
 */
export function tokenMatches(token: string, storedHash: string): boolean {
  const presented = Buffer.from(hashPostbackToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
