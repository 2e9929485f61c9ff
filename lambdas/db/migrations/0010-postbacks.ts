import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001-foundation';

const NETWORKS = ['everflow', 'tune', 'trackier', 'impact', 'cake', 'appsflyer', 'adjust', 'branch', 'generic'];
const TABLES = ['postback_settings', 'affiliates', 'tracked_links', 'conversions'] as const;

/**
 * Postbacks and tracked links: per-site postback settings (secrets hashed or sealed), affiliates and
 * their cookie windows, tracked links (`/r/<id>`), and conversions unique per (site, network,
 * transaction id). Each table is restricted by row-level security to its organization.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table postback_settings (
      site_id uuid primary key references sites(id) on delete cascade,
      organization_id uuid not null references organizations(id) on delete cascade,
      token_hash text not null check (token_hash ~ '^[0-9a-f]{64}$'),
      hmac_key_wrapped bytea,
      hmac_secret_cipher bytea,
      ip_allow_list jsonb not null default '[]',
      generic_mapping jsonb,
      default_currency text not null default 'USD' check (default_currency ~ '^[A-Z]{3}$'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((hmac_key_wrapped is null) = (hmac_secret_cipher is null))
    )`.execute(db);

  await sql`
    create table affiliates (
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      id text not null check (length(id) between 1 and 128),
      name text not null check (length(name) between 1 and 200),
      cookie_window_days integer check (cookie_window_days between 1 and 365),
      created_at timestamptz not null default now(),
      primary key (site_id, id)
    )`.execute(db);

  await sql`
    create table tracked_links (
      id text primary key check (id ~ '^[A-Za-z0-9_-]{4,64}$'),
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      destination text not null check (length(destination) <= 2048 and destination ~* '^https?://'),
      affiliate_id text check (length(affiliate_id) <= 128),
      offer_id text check (length(offer_id) <= 128),
      campaign text check (length(campaign) <= 200),
      cookie_window_days integer check (cookie_window_days between 1 and 365),
      created_at timestamptz not null default now(),
      disabled_at timestamptz
    )`.execute(db);
  await sql`create index tracked_links_site_idx on tracked_links (site_id)`.execute(db);

  await sql`
    create table conversions (
      id uuid primary key default gen_random_uuid(),
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      network text not null check (network in (${sql.join(NETWORKS.map((n) => sql.lit(n)))})),
      transaction_id text not null check (length(transaction_id) between 1 and 256),
      click_id text check (length(click_id) <= 256),
      matched_click_id text check (length(matched_click_id) <= 64),
      link_id text check (length(link_id) <= 64),
      affiliate_id text check (length(affiliate_id) <= 128),
      offer_id text check (length(offer_id) <= 128),
      campaign text check (length(campaign) <= 200),
      media_source text check (length(media_source) <= 200),
      platform text check (length(platform) <= 32),
      sub_ids jsonb not null default '{}',
      amount numeric(20, 6) check (amount >= 0),
      payout numeric(20, 6) check (payout >= 0),
      currency text check (currency ~ '^[A-Z]{3}$'),
      status text not null check (status in ('pending', 'approved', 'rejected')),
      event_name text not null check (length(event_name) between 1 and 200),
      idfa text check (length(idfa) = 36),
      gaid text check (length(gaid) = 36),
      idfv text check (length(idfv) = 36),
      device_id text check (length(device_id) <= 128),
      install_time timestamptz,
      occurred_at timestamptz not null,
      anonymous_id text check (length(anonymous_id) <= 128),
      user_id text check (length(user_id) <= 256),
      raw_payload jsonb not null,
      revision integer not null default 0 check (revision >= 0),
      received_at timestamptz not null,
      updated_at timestamptz not null,
      unique (site_id, network, transaction_id)
    )`.execute(db);
  await sql`create index conversions_site_time_idx on conversions (site_id, occurred_at)`.execute(db);

  for (const table of TABLES) await enableTenantIsolation(db, table);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists conversions, tracked_links, affiliates, postback_settings cascade`.execute(db);
}
