import type { Role } from '../db/schema/core';

/** Who is calling: a `users` row, signed in by a local session or by a Cognito JWT. */
export interface Principal {
  readonly userId: string;
  readonly organizationId: string;
  readonly email: string;
  readonly role: Role;
  /** How the caller proved who they are; only `session` callers need a CSRF token. */
  readonly via: 'session' | 'jwt';
}
