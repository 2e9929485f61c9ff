import type { ColumnType, Generated } from 'kysely';
import type { Role } from './core';

type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A signed-in browser of `npm start` (AWS signs in with Cognito instead). */
export interface ApiSessionsTable {
  /** SHA-256 (hex) of the session token the cookie carries; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  organization_id: string;
  /** Sent back in `x-csrf-token` on every state-changing request. */
  csrf_token: string;
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
}

/** A pending or accepted invitation to join an organization with a role. */
export interface InvitationsTable {
  id: Generated<string>;
  organization_id: string;
  email: string;
  role: Role;
  /** SHA-256 (hex) of the one-time token; the token is shown once, to the inviter. */
  token_hash: string;
  invited_by: string | null;
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
  accepted_at: Date | null;
}

/** Which `users` row an identity provider's subject (Cognito `sub`) signs in as. */
export interface ExternalIdentitiesTable {
  provider: 'cognito';
  subject: string;
  user_id: string;
  organization_id: string;
  created_at: DefaultedTimestamp;
}

export interface ApiTables {
  api_sessions: ApiSessionsTable;
  invitations: InvitationsTable;
  external_identities: ExternalIdentitiesTable;
}
