import { NotFoundError } from '../../core/errors';
import { withOrganization } from '../../db/tenant';
import { loadPersonProfile, type PersonProfile } from '../../identity/person-profile';
import type { ApiDeps } from '../api-deps';

/** Sessions and events shown on a person's page, newest first. */
export const TIMELINE_LIMIT = 100;

export interface PersonDetail {
  readonly person: PersonProfile;
  /** Set when the id asked for was merged into `person`. */
  readonly redirectedFrom: string | null;
  readonly sessions: readonly {
    readonly sessionId: string;
    readonly startedAt: string;
    readonly lastEventAt: string;
    readonly eventCount: number;
    readonly entryUrl: string | null;
    readonly referrer: string | null;
  }[];
  readonly events: readonly {
    readonly eventId: string;
    readonly occurredAt: string;
    readonly sessionId: string | null;
    readonly type: string;
    readonly name: string | null;
    readonly url: string | null;
  }[];
}

/**
 * A person's page: identities, traits, companies and merge history (identity's profile, PII
 * decrypted), and the sessions and events of the person and everyone merged into them. A merged
 * person's id leads to the person it was merged into; an erased person is not found.
 *
 * @example
 * const { person, sessions } = await personDetail(deps, organizationId, personId);
 */
export async function personDetail(
  deps: Pick<ApiDeps, 'sql' | 'keyring'>,
  organizationId: string,
  personId: string,
): Promise<PersonDetail> {
  const keys = await deps.keyring.keysFor(organizationId);
  return withOrganization(deps.sql, organizationId, async (trx) => {
    const alias = await trx
      .selectFrom('persons')
      .select(['id', 'merged_into'])
      .where('id', '=', personId)
      .executeTakeFirst();
    const currentId = alias?.merged_into ?? alias?.id;
    const person = currentId ? await loadPersonProfile(trx, keys, organizationId, currentId) : undefined;
    if (!person) throw new NotFoundError(`person ${personId} not found`);
    const ids = [person.id, ...person.mergedFrom];
    const sessions = await trx
      .selectFrom('sessions')
      .select(['session_id', 'started_at', 'last_event_at', 'event_count', 'entry_url', 'referrer'])
      .where('person_id', 'in', ids)
      .orderBy('started_at', 'desc')
      .limit(TIMELINE_LIMIT)
      .execute();
    const events = await trx
      .selectFrom('events')
      .select(['event_id', 'occurred_at', 'session_id', 'type', 'name', 'url'])
      .where('person_id', 'in', ids)
      .orderBy('occurred_at', 'desc')
      .limit(TIMELINE_LIMIT)
      .execute();
    return {
      person,
      redirectedFrom: person.id === personId ? null : personId,
      sessions: sessions.map((s) => ({
        sessionId: s.session_id,
        startedAt: new Date(s.started_at).toISOString(),
        lastEventAt: new Date(s.last_event_at).toISOString(),
        eventCount: s.event_count,
        entryUrl: s.entry_url,
        referrer: s.referrer,
      })),
      events: events.map((e) => ({
        eventId: e.event_id,
        occurredAt: new Date(e.occurred_at).toISOString(),
        sessionId: e.session_id,
        type: e.type,
        name: e.name,
        url: e.url,
      })),
    };
  });
}
