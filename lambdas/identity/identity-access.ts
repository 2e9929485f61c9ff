import type { Sql } from '../ports/sql';
import type { OrganizationKeyring } from './crypto/organization-keys';

/** What the person commands (lookup, export, erase) need: the database and the organization keys. */
export interface IdentityAccess {
  readonly sql: Sql;
  readonly keyring: OrganizationKeyring;
}
