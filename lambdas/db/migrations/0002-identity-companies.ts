import { type Kysely, sql } from 'kysely';

/**
 * Companies (one per domain and per group id in an organization) and who works at them, and the
 * probabilistic soft links between persons that are listed for review, never merged. Part of
 * migration `0002-identity`.
 */
export async function createCompanyTables(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table companies (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id) on delete cascade,
      domain text check (length(domain) between 3 and 253 and domain = lower(domain)),
      group_id text check (length(group_id) between 1 and 256),
      name text check (length(name) between 1 and 200),
      created_at timestamptz not null default now(),
      check (domain is not null or group_id is not null)
    )`.execute(db);
  await sql`create unique index companies_domain_key on companies (organization_id, domain) where domain is not null`.execute(
    db,
  );
  await sql`create unique index companies_group_key on companies (organization_id, group_id) where group_id is not null`.execute(
    db,
  );

  await sql`
    create table person_companies (
      person_id uuid not null references persons(id) on delete cascade,
      company_id uuid not null references companies(id) on delete cascade,
      organization_id uuid not null references organizations(id) on delete cascade,
      source text not null check (source in ('email_domain', 'group', 'observation')),
      first_seen_at timestamptz not null,
      primary key (person_id, company_id)
    )`.execute(db);
  await sql`create index person_companies_company_idx on person_companies (company_id)`.execute(db);

  // Keyed hashes of weak evidence (IP and user agent, e-mail variants) per person; never the values.
  await sql`
    create table soft_signals (
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      kind text not null check (kind in ('ip_user_agent', 'email_variant')),
      digest text not null check (length(digest) = 64),
      person_id uuid not null references persons(id) on delete cascade,
      first_seen_at timestamptz not null,
      last_seen_at timestamptz not null,
      primary key (site_id, kind, digest, person_id)
    )`.execute(db);
  await sql`create index soft_signals_person_idx on soft_signals (person_id)`.execute(db);

  await sql`
    create table soft_links (
      id bigint generated always as identity primary key,
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      person_a uuid not null references persons(id) on delete cascade,
      person_b uuid not null references persons(id) on delete cascade,
      rule text not null check (length(rule) between 1 and 64),
      score real not null check (score >= 0 and score <= 1),
      evidence jsonb not null default '{}',
      status text not null default 'open' check (status in ('open', 'accepted', 'rejected')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (person_a < person_b),
      unique (site_id, person_a, person_b, rule)
    )`.execute(db);
  await sql`create index soft_links_review_idx on soft_links (site_id, status, score desc)`.execute(db);
}

export const COMPANY_TABLES = ['companies', 'person_companies', 'soft_signals', 'soft_links'] as const;
