import { randomBytes } from 'node:crypto';
import { hashToken } from '../auth/session-store';

/** An invitation can be accepted for a week. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * A one-time invitation token (256 random bits) and the hash that is stored in its place.
 *
 * @example
 * const { token, tokenHash } = newInvitationToken(); // mail `token`, store `tokenHash`
 */
export function newInvitationToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}
