import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { sql as raw } from 'kysely';
import { ForbiddenError } from '../../core/errors';
import { withOrganization } from '../../db/tenant';
import type { Sql } from '../../ports/sql';
import type { Principal } from '../principal';

/** The claims API Gateway's JWT authorizer verified, as it passes them (values are strings). */
export type JwtClaims = Readonly<Record<string, unknown>>;

/**
 * The claims of the token API Gateway's JWT authorizer accepted; `undefined` when the route had no
 * authorizer. The signature, issuer, audience and expiry were checked by API Gateway, not here.
 */
export function verifiedClaims(event: APIGatewayProxyEventV2): JwtClaims | undefined {
  const context = event.requestContext as { authorizer?: { jwt?: { claims?: JwtClaims } } };
  return context.authorizer?.jwt?.claims;
}

const claim = (claims: JwtClaims, name: string): string | undefined => {
  const value = claims[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * The `users` row a Cognito user signs in as: the one linked to the token's `sub`, else (first
 * sign-in) the one with the token's verified e-mail address, which is then linked to the `sub`.
 * A verified user with no `users` row is not a member of any organization: 403.
 *
 * @example
 * const principal = await principalFromClaims(sql, { sub: 'a1b2…', email: 'ada@example.com', email_verified: 'true' });
 */
export async function principalFromClaims(sql: Sql, claims: JwtClaims): Promise<Principal> {
  const subject = claim(claims, 'sub');
  if (!subject) throw new ForbiddenError('the token names no subject');
  // Runs before the organization is known, as the system role: the subject was verified by API Gateway.
  const linked = await sql.db
    .selectFrom('external_identities as x')
    .innerJoin('users as u', 'u.id', 'x.user_id')
    .select(['u.id', 'u.organization_id', 'u.email', 'u.role'])
    .where('x.provider', '=', 'cognito')
    .where('x.subject', '=', subject)
    .executeTakeFirst();
  if (linked) {
    return {
      userId: linked.id,
      organizationId: linked.organization_id,
      email: linked.email,
      role: linked.role,
      via: 'jwt',
    };
  }
  const email = claim(claims, 'email');
  const verified = claims.email_verified === true || claims.email_verified === 'true';
  if (!email || !verified)
    throw new ForbiddenError('not a member of any organization (no verified e-mail in the token)');
  const user = await sql.db
    .selectFrom('users')
    .select(['id', 'organization_id', 'email', 'role'])
    .where(raw`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  if (!user) throw new ForbiddenError('not a member of any organization');
  await withOrganization(sql, user.organization_id, (trx) =>
    trx
      .insertInto('external_identities')
      .values({ provider: 'cognito', subject, user_id: user.id, organization_id: user.organization_id })
      .onConflict((oc) => oc.doNothing())
      .execute(),
  );
  return { userId: user.id, organizationId: user.organization_id, email: user.email, role: user.role, via: 'jwt' };
}
