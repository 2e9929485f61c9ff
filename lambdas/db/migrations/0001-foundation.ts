import { type Kysely, sql } from 'kysely';

/**
 * Organizations, their users and sites, and the role that tenant-scoped code runs as.
 * Tenant isolation lives in the database: `sightline_app` sees only rows of the organization
 * named by the transaction-local setting `sightline.org_id` (see `db/tenant.ts`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    do $$ begin
      create role sightline_app nologin;
    exception when duplicate_object or unique_violation then null;
    end $$`.execute(db);
  // The connecting role must be a member to `set role` (Aurora's master user is not a superuser).
  await sql`grant sightline_app to current_user`.execute(db).catch(() => undefined);

  await sql`
    create table organizations (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 1 and 200),
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table users (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id) on delete cascade,
      email text not null check (length(email) between 3 and 320),
      password_hash text not null,
      role text not null check (role in ('owner', 'admin', 'analyst', 'viewer')),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index users_email_key on users (lower(email))`.execute(db);

  await sql`
    create table sites (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id) on delete cascade,
      name text not null check (length(name) between 1 and 200),
      domain text not null check (length(domain) between 1 and 253),
      site_key text not null unique,
      write_key_hash text not null unique,
      allowed_origins jsonb not null default '[]',
      settings jsonb not null default '{}',
      created_at timestamptz not null default now(),
      last_event_at timestamptz
    )`.execute(db);
  await sql`create index sites_organization_idx on sites (organization_id)`.execute(db);

  for (const table of ['organizations', 'users', 'sites']) {
    const column = table === 'organizations' ? 'id' : 'organization_id';
    await enableTenantIsolation(db, table, column);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists sites, users, organizations cascade`.execute(db);
}

/**
 * Grants `sightline_app` the table and restricts it to the current organization's rows.
 * Reused by later migrations for every tenant-owned table.
 */
export async function enableTenantIsolation(db: Kysely<unknown>, table: string, column = 'organization_id') {
  const t = sql.table(table);
  const c = sql.ref(column);
  await sql`grant select, insert, update, delete on ${t} to sightline_app`.execute(db);
  await sql`alter table ${t} enable row level security`.execute(db);
  await sql`
    create policy ${sql.id(`${table}_tenant_isolation`)} on ${t} to sightline_app
      using (${c} = nullif(current_setting('sightline.org_id', true), '')::uuid)
      with check (${c} = nullif(current_setting('sightline.org_id', true), '')::uuid)`.execute(db);
}
