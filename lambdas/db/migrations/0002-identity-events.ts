import { type Kysely, sql } from 'kysely';

/**
 * Sessions, slim events (range-partitioned by month, the current and next two months created here
 * and kept ahead by `ensureEventPartitions`), and raw events kept once per SHA-256 of their content.
 * Part of migration `0002-identity`.
 */
export async function createEventTables(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table sessions (
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      session_id text not null check (length(session_id) between 1 and 128),
      person_id uuid not null references persons(id),
      started_at timestamptz not null,
      last_event_at timestamptz not null,
      event_count integer not null default 0,
      entry_url text check (length(entry_url) <= 2048),
      referrer text check (length(referrer) <= 2048),
      primary key (site_id, session_id)
    )`.execute(db);
  await sql`create index sessions_person_idx on sessions (person_id)`.execute(db);

  // Each event keeps the person it was resolved to; `person_aliases` leads to the current one.
  await sql`
    create table events (
      organization_id uuid not null,
      site_id uuid not null,
      event_id text not null check (length(event_id) between 1 and 128),
      occurred_at timestamptz not null,
      person_id uuid not null,
      session_id text,
      type text not null check (length(type) between 1 and 32),
      name text check (length(name) <= 200),
      url text check (length(url) <= 2048),
      referrer text check (length(referrer) <= 2048),
      primary key (site_id, occurred_at, event_id)
    ) partition by range (occurred_at)`.execute(db);
  await sql`create index events_person_idx on events (person_id, occurred_at)`.execute(db);
  // Catches events older than the oldest month (clients with wrong clocks); months are created ahead.
  await sql`create table events_default partition of events default`.execute(db);
  await sql`
    do $$
    declare month timestamp;
    begin
      for i in 0..2 loop
        month := date_trunc('month', now() at time zone 'UTC') + make_interval(months => i);
        execute format('create table if not exists %I partition of events for values from (%L) to (%L)',
          'events_' || to_char(month, 'YYYY_MM'), month at time zone 'UTC', (month + interval '1 month') at time zone 'UTC');
      end loop;
    end $$`.execute(db);

  await sql`
    create table raw_events (
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      sha256 bytea not null check (length(sha256) = 32),
      event_id text not null check (length(event_id) between 1 and 128),
      received_at timestamptz not null,
      payload_cipher bytea not null,
      person_id uuid references persons(id),
      primary key (site_id, sha256)
    )`.execute(db);
  await sql`create index raw_events_event_idx on raw_events (site_id, event_id)`.execute(db);
  await sql`create index raw_events_person_idx on raw_events (person_id) where person_id is not null`.execute(db);
}

export const EVENT_TABLES = ['sessions', 'events', 'raw_events'] as const;
