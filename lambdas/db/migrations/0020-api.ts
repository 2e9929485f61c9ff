import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001-foundation';

const TABLES = ['api_sessions', 'invitations', 'external_identities'] as const;

/**
 * What the dashboard API keeps: sign-in sessions of `npm start` (the token only as its SHA-256),
 * one-time team invitations (likewise hashed), and the link from a Cognito user (`sub`) to a
 * `users` row in AWS. Each table is restricted by row-level security to its organization; sign-in
 * and session lookups run before the organization is known, as the site registry's do.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table api_sessions (
      token_hash text primary key check (token_hash ~ '^[0-9a-f]{64}$'),
      user_id uuid not null references users(id) on delete cascade,
      organization_id uuid not null references organizations(id) on delete cascade,
      csrf_token text not null check (length(csrf_token) between 16 and 128),
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index api_sessions_user_idx on api_sessions (user_id)`.execute(db);
  await sql`create index api_sessions_expiry_idx on api_sessions (expires_at)`.execute(db);

  await sql`
    create table invitations (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id) on delete cascade,
      email text not null check (length(email) between 3 and 320),
      role text not null check (role in ('owner', 'admin', 'analyst', 'viewer')),
      token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
      invited_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      accepted_at timestamptz
    )`.execute(db);
  await sql`create index invitations_organization_idx on invitations (organization_id, created_at)`.execute(db);

  await sql`
    create table external_identities (
      provider text not null check (provider in ('cognito')),
      subject text not null check (length(subject) between 1 and 256),
      user_id uuid not null references users(id) on delete cascade,
      organization_id uuid not null references organizations(id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (provider, subject)
    )`.execute(db);
  await sql`create index external_identities_user_idx on external_identities (user_id)`.execute(db);

  for (const table of TABLES) await enableTenantIsolation(db, table);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists external_identities, invitations, api_sessions cascade`.execute(db);
}
