import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import type { Scope } from './identifier-rows';
import type { ObservedEvent } from './observation';

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
      on conflict (site_id, session_id) do update set
        event_count = sessions.event_count + 1,
        last_event_at = greatest(sessions.last_event_at, excluded.last_event_at),
        started_at = least(sessions.started_at, excluded.started_at),
        entry_url = case when excluded.started_at < sessions.started_at then excluded.entry_url else sessions.entry_url end,
        referrer = case when excluded.started_at < sessions.started_at then excluded.referrer else sessions.referrer end
    ),
    tied as (${tieRawEvent})
    select event_id from inserted`.execute(db);
  return rows.length > 0;
}
