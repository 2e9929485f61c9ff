import { ConflictError, NotFoundError, ValidationError } from '../../core/errors';
import type { Role } from '../../db/schema/core';
import { withOrganization } from '../../db/tenant';
import type { Sql } from '../../ports/sql';
import { hashPassword } from '../../runtime/passwords';
import { hashToken } from '../auth/session-store';

/** Cognito users have no local password: a hash no password can match. */
const NO_LOCAL_PASSWORD = 'external:cognito';

export type Acceptance =
  | { readonly kind: 'password'; readonly password: string }
  | { readonly kind: 'cognito'; readonly subject: string; readonly email: string };

/**
 * Turns an invitation into a member, once: with a password in `npm start`, or linked to the
 * Cognito user whose verified e-mail is the one invited. The token's hash finds the invitation
 * (before its organization is known, hence the system role); everything after runs under
 * row-level security.
 *
 * @example
 * const user = await acceptInvitation(sql, token, { kind: 'password', password: 'correct horse battery' }, Date.now());
 */
export async function acceptInvitation(
  sql: Sql,
  token: string,
  acceptance: Acceptance,
  now: number,
): Promise<{ userId: string; organizationId: string; email: string; role: Role }> {
  const invitation = await sql.db
    .selectFrom('invitations')
    .select(['id', 'organization_id', 'email', 'role', 'expires_at', 'accepted_at'])
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!invitation || invitation.accepted_at || new Date(invitation.expires_at).getTime() <= now) {
    throw new NotFoundError('this invitation is unknown, used or expired');
  }
  if (acceptance.kind === 'cognito' && acceptance.email.toLowerCase() !== invitation.email.toLowerCase()) {
    throw new ValidationError('sign in with the invited e-mail address to accept', 'token');
  }
  const passwordHash = acceptance.kind === 'password' ? await hashPassword(acceptance.password) : NO_LOCAL_PASSWORD;
  return withOrganization(sql, invitation.organization_id, async (trx) => {
    const claimed = await trx
      .updateTable('invitations')
      .set({ accepted_at: new Date(now) })
      .where('id', '=', invitation.id)
      .where('accepted_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) throw new NotFoundError('this invitation is unknown, used or expired');
    const user = await trx
      .insertInto('users')
      .values({
        organization_id: invitation.organization_id,
        email: invitation.email,
        password_hash: passwordHash,
        role: invitation.role,
      })
      .returning(['id', 'email', 'role'])
      .executeTakeFirst()
      .catch((error: unknown) => {
        throw new ConflictError(`${invitation.email} already has an account`, { cause: error });
      });
    if (!user) throw new ConflictError(`${invitation.email} already has an account`);
    if (acceptance.kind === 'cognito') {
      await trx
        .insertInto('external_identities')
        .values({
          provider: 'cognito',
          subject: acceptance.subject,
          user_id: user.id,
          organization_id: invitation.organization_id,
        })
        .execute();
    }
    return { userId: user.id, organizationId: invitation.organization_id, email: user.email, role: user.role };
  });
}
