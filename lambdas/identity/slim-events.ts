import { type Kysely, type RawBuilder, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import type { Scope } from './identifier-rows';
import type { ObservedEvent } from './observation';
import { recordset, writeTogether } from './sql-values';

/**
 * A session row belongs to one person: the person of its first event (as given; merges followed
 * through `persons.merged_into`). Another person's event that carries the same session id (a second
 * person signing in mid-session on a shared device, or a client reusing an id) is recorded as an
 * event, but neither counts into that session nor changes its entry URL and referrer: those must stay
 * the session person's own, to export and to erase with them.
 */
const SAME_PERSON = raw`(select coalesce(p.merged_into, p.id) from persons p where p.id = sessions.person_id)
  = (select coalesce(p.merged_into, p.id) from persons p where p.id = excluded.person_id)`;

/** A session's row updated with the events counted into it (`excluded`: one event, or a batch's of one session). */
const SESSION_COUNTED = raw`
  event_count = sessions.event_count + excluded.event_count,
  last_event_at = greatest(sessions.last_event_at, excluded.last_event_at),
  started_at = least(sessions.started_at, excluded.started_at),
  entry_url = case when excluded.started_at < sessions.started_at then excluded.entry_url else sessions.entry_url end,
  referrer = case when excluded.started_at < sessions.started_at then excluded.referrer else sessions.referrer end`;

/**
 * Records an event with the person it resolved to (kept as given: later merges are followed through
 * `person_aliases`), counts it into its session, and ties its raw event (if stored) to the person.
 * Idempotent: an event recorded before is skipped, session counts included. Without `event`, only
 * the raw event is tied. Returns whether the event was new.
 *
 * @example
 * await recordSlimEvent(trx, scope, personId, observation.eventId, new Date(observation.observedAt), observation.event);
 */
export async function recordSlimEvent(
  db: Kysely<Database>,
  scope: Scope,
  personId: string,
  eventId: string,
  occurredAt: Date,
  event: ObservedEvent | undefined,
): Promise<boolean> {
  const tieRawEvent = raw`update raw_events set person_id = ${personId}::uuid
    where site_id = ${scope.siteId}::uuid and event_id = ${eventId}::text and person_id is distinct from ${personId}::uuid`;
  if (!event) {
    await tieRawEvent.execute(db);
    return false;
  }
  // One round trip: the session counts the event only if the event was new.
  const { rows } = await raw<{ event_id: string }>`
    with inserted as (
      insert into events (organization_id, site_id, event_id, occurred_at, person_id, session_id, type, name, url, referrer)
      values (${scope.organizationId}::uuid, ${scope.siteId}::uuid, ${eventId}::text, ${occurredAt}::timestamptz,
        ${personId}::uuid, ${event.sessionId ?? null}::text, ${event.type}::text, ${event.name ?? null}::text,
        ${event.url ?? null}::text, ${event.referrer ?? null}::text)
      on conflict do nothing
      returning event_id, session_id
    ),
    counted as (
      insert into sessions (organization_id, site_id, session_id, person_id, started_at, last_event_at, event_count, entry_url, referrer)
      select ${scope.organizationId}::uuid, ${scope.siteId}::uuid, i.session_id, ${personId}::uuid,
        ${occurredAt}::timestamptz, ${occurredAt}::timestamptz, 1, ${event.url ?? null}::text, ${event.referrer ?? null}::text
      from inserted i where i.session_id is not null
      on conflict (site_id, session_id) do update set ${SESSION_COUNTED}
      where ${SAME_PERSON}
    ),
    tied as (${tieRawEvent})
    select event_id from inserted`.execute(db);
  return rows.length > 0;
}

/** One event of a batch and the person it resolved to. */
export interface ResolvedEvent {
  readonly siteId: string;
  readonly personId: string;
  readonly eventId: string;
  readonly occurredAt: Date;
  readonly event: ObservedEvent | undefined;
}

/**
 * `recordSlimEvent` for a whole batch in one round trip: events inserted (those recorded before
 * skipped), each session counted once with the batch's new events of its person in it (the person of
 * its row, or else of its first event in the batch), raw events tied.
 */
export async function recordSlimEvents(
  db: Kysely<Database>,
  organizationId: string,
  events: readonly ResolvedEvent[],
): Promise<void> {
  await writeTogether(db, slimEventWrites(organizationId, events));
}

/** The `recordSlimEvents` writes as `slim_*` fragments for `writeTogether` (none for no events). */
export function slimEventWrites(organizationId: string, events: readonly ResolvedEvent[]): RawBuilder<unknown>[] {
  if (events.length === 0) return [];
  const input = events.map((e) => ({
    site_id: e.siteId,
    event_id: e.eventId,
    occurred_at: e.occurredAt.toISOString(),
    person_id: e.personId,
    session_id: e.event?.sessionId ?? null,
    type: e.event?.type ?? null,
    name: e.event?.name ?? null,
    url: e.event?.url ?? null,
    referrer: e.event?.referrer ?? null,
  }));
  return [
    raw`slim_input as (
      select * from ${recordset(
        input,
        'site_id uuid, event_id text, occurred_at timestamptz, person_id uuid, session_id text, type text, name text, url text, referrer text',
      )} as x
    )`,
    raw`slim_inserted as (
      insert into events (organization_id, site_id, event_id, occurred_at, person_id, session_id, type, name, url, referrer)
      select ${organizationId}::uuid, site_id, event_id, occurred_at, person_id, session_id, type, name, url, referrer
      from slim_input where type is not null
      on conflict do nothing
      returning site_id, event_id, occurred_at, person_id, session_id, url, referrer
    )`,
    raw`slim_counted as (
      insert into sessions (organization_id, site_id, session_id, person_id, started_at, last_event_at, event_count, entry_url, referrer)
      select ${organizationId}::uuid, site_id, session_id, (array_agg(person_id order by occurred_at, event_id))[1],
        min(occurred_at), max(occurred_at), count(*), (array_agg(url order by occurred_at, event_id))[1],
        (array_agg(referrer order by occurred_at, event_id))[1]
      from (
        select i.*, coalesce(p.merged_into, p.id) as current_person,
          coalesce(o.merged_into, o.id, first_value(coalesce(p.merged_into, p.id)) over (
            partition by i.site_id, i.session_id order by i.occurred_at, i.event_id)) as session_person
        from slim_inserted i
          join persons p on p.id = i.person_id
          left join sessions x on x.site_id = i.site_id and x.session_id = i.session_id
          left join persons o on o.id = x.person_id
        where i.session_id is not null
      ) s
      where current_person = session_person
      group by site_id, session_id
      order by site_id, session_id
      on conflict (site_id, session_id) do update set ${SESSION_COUNTED}
      where ${SAME_PERSON}
    )`,
    raw`slim_tied as (
      update raw_events r set person_id = x.person_id
      from slim_input x
      where r.site_id = x.site_id and r.event_id = x.event_id and r.person_id is distinct from x.person_id
    )`,
  ];
}
