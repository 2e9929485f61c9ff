import { sql as raw } from 'kysely';
import { z } from 'zod';
import { ConflictError, ForbiddenError, NotFoundError } from '../../core/errors';
import { withOrganization } from '../../db/tenant';
import type { ApiDeps } from '../api-deps';
import { type ApiRoute, defineRoute } from '../http/api-route';
import { ROLES } from '../roles';
import { INVITATION_TTL_MS, newInvitationToken } from './invitation-tokens';
import { assertMayChange } from './owner-rules';

const roleSchema = z.enum(ROLES);
const memberParams = z.object({ userId: z.uuid() });
const invitationParams = z.object({ invitationId: z.uuid() });

const memberSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  createdAt: z.string(),
  you: z.boolean(),
});
const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  createdAt: z.string(),
  expiresAt: z.string(),
});

/** A member as the team page lists them (`you`: the member asking). */
export type MemberView = z.infer<typeof memberSchema>;
/** An open invitation (its token is shown once, when made). */
export type InvitationView = z.infer<typeof invitationSchema>;

/** The team: members and their roles, and invitations (a one-time token, shown once to the inviter). */
export function teamRoutes(deps: ApiDeps): ApiRoute[] {
  const now = deps.now ?? Date.now;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/team',
      access: 'admin',
      tag: 'Team',
      summary: 'Members and pending invitations',
      response: {
        description: 'Members by e-mail; invitations not yet accepted or expired',
        schema: z.object({ members: z.array(memberSchema), invitations: z.array(invitationSchema) }),
      },
      async handle({ principal }) {
        return withOrganization(deps.sql, principal.organizationId, async (trx) => {
          const members = await trx
            .selectFrom('users')
            .select(['id', 'email', 'role', 'created_at'])
            .orderBy('email')
            .limit(1_000)
            .execute();
          const invitations = await trx
            .selectFrom('invitations')
            .select(['id', 'email', 'role', 'created_at', 'expires_at'])
            .where('accepted_at', 'is', null)
            .where('expires_at', '>', new Date(now()))
            .orderBy('created_at', 'desc')
            .limit(1_000)
            .execute();
          return {
            body: {
              members: members.map((m) => ({
                id: m.id,
                email: m.email,
                role: m.role,
                createdAt: new Date(m.created_at).toISOString(),
                you: m.id === principal.userId,
              })),
              invitations: invitations.map((i) => ({
                id: i.id,
                email: i.email,
                role: i.role,
                createdAt: new Date(i.created_at).toISOString(),
                expiresAt: new Date(i.expires_at).toISOString(),
              })),
            },
          };
        });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/team/invitations',
      access: 'admin',
      tag: 'Team',
      summary: 'Invite someone by e-mail with a role; the answer holds the one-time token to send them',
      body: z.object({ email: z.email().max(320), role: roleSchema }).strict(),
      response: {
        status: 201,
        description: 'The invitation; `acceptPath` (with the token) is shown this once',
        schema: z.object({ invitation: invitationSchema, token: z.string(), acceptPath: z.string() }),
      },
      async handle({ principal, body }) {
        if (body.role === 'owner' && principal.role !== 'owner')
          throw new ForbiddenError('only an owner may invite an owner');
        const email = body.email.trim().toLowerCase();
        const { token, tokenHash } = newInvitationToken();
        // Addresses are unique across organizations (a user belongs to one), so this check runs
        // as the system role; it says only "taken", not where.
        const taken = await deps.sql.db
          .selectFrom('users')
          .select('id')
          .where(raw`lower(email)`, '=', email)
          .executeTakeFirst();
        if (taken) throw new ConflictError(`${email} already has an account`);
        const row = await withOrganization(deps.sql, principal.organizationId, (trx) =>
          trx
            .insertInto('invitations')
            .values({
              organization_id: principal.organizationId,
              email,
              role: body.role,
              token_hash: tokenHash,
              invited_by: principal.userId,
              expires_at: new Date(now() + INVITATION_TTL_MS),
            })
            .returning(['id', 'email', 'role', 'created_at', 'expires_at'])
            .executeTakeFirstOrThrow(),
        );
        await deps.userDirectory?.createUser(email);
        return {
          status: 201,
          body: {
            invitation: {
              id: row.id,
              email: row.email,
              role: row.role,
              createdAt: new Date(row.created_at).toISOString(),
              expiresAt: new Date(row.expires_at).toISOString(),
            },
            token,
            acceptPath: `/accept-invitation#${token}`,
          },
        };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/team/invitations/{invitationId}',
      access: 'admin',
      tag: 'Team',
      summary: 'Withdraw an invitation',
      params: invitationParams,
      response: { status: 204, description: 'Withdrawn' },
      async handle({ principal, params }) {
        const withdrawn = await withOrganization(deps.sql, principal.organizationId, (trx) =>
          trx
            .deleteFrom('invitations')
            .where('id', '=', params.invitationId)
            .where('accepted_at', 'is', null)
            .returning('email')
            .executeTakeFirst(),
        );
        if (!withdrawn) throw new NotFoundError(`invitation ${params.invitationId} not found`);
        // The account made for the invitation has no member behind it any more.
        await deps.userDirectory?.deleteUser(withdrawn.email);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/team/members/{userId}',
      access: 'admin',
      tag: 'Team',
      summary: "Change a member's role",
      params: memberParams,
      body: z.object({ role: roleSchema }).strict(),
      response: { description: 'The member as changed', schema: z.object({ member: memberSchema }) },
      async handle({ principal, params, body }) {
        const member = await withOrganization(deps.sql, principal.organizationId, async (trx) => {
          const target = await trx
            .selectFrom('users')
            .select(['id', 'role'])
            .where('id', '=', params.userId)
            .forUpdate()
            .executeTakeFirst();
          if (!target) throw new NotFoundError(`member ${params.userId} not found`);
          assertMayChange(principal, target, body.role, await ownerCount(trx));
          return trx
            .updateTable('users')
            .set({ role: body.role })
            .where('id', '=', params.userId)
            .returning(['id', 'email', 'role', 'created_at'])
            .executeTakeFirstOrThrow();
        });
        return {
          body: {
            member: {
              id: member.id,
              email: member.email,
              role: member.role,
              createdAt: new Date(member.created_at).toISOString(),
              you: member.id === principal.userId,
            },
          },
        };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/team/members/{userId}',
      access: 'admin',
      tag: 'Team',
      summary: 'Remove a member (their sessions and, in AWS, their Cognito user end with them)',
      params: memberParams,
      response: { status: 204, description: 'Removed' },
      async handle({ principal, params }) {
        const removed = await withOrganization(deps.sql, principal.organizationId, async (trx) => {
          const target = await trx
            .selectFrom('users')
            .select(['id', 'role', 'email'])
            .where('id', '=', params.userId)
            .forUpdate()
            .executeTakeFirst();
          if (!target) throw new NotFoundError(`member ${params.userId} not found`);
          assertMayChange(principal, target, 'removed', await ownerCount(trx));
          await trx.deleteFrom('users').where('id', '=', params.userId).execute();
          return target;
        });
        await deps.userDirectory?.deleteUser(removed.email);
        return { status: 204 };
      },
    }),
  ];
}

async function ownerCount(trx: Parameters<Parameters<typeof withOrganization>[2]>[0]): Promise<number> {
  const row = await trx
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
