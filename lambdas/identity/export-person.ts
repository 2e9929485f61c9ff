import { type Kysely, sql as raw } from 'kysely';
import { NotFoundError } from '../core/errors';
import type { Database } from '../db/schema';
import { withOrganization } from '../db/tenant';
import type { LakeActivityDeps, LakeIdentifier } from '../lifecycle/lake-activity';
import { personKeys } from './crypto/person-keys';
import { openText } from './crypto/pii-cipher';
import type { IdentityAccess } from './identity-access';
import { conversionsOfPerson } from './person-conversions';
import { type LakeEventPage, lakeEventsOfPerson } from './person-lake-events';
import { iso, loadPersonProfile, type PersonProfile } from './person-profile';
import { rawEventAad } from './raw-events';
import { openSealedValues } from './sealed-values';
import { uuidAny, uuidList } from './sql-values';

export type PersonExport =
  | {
      readonly personId: string;
      readonly erased: false;
      readonly exportedAt: string;
      readonly person: PersonProfile;
      /** Every trait value held (the profile shows the effective one of each key), with the identifier that showed it. */
      readonly traitValues: readonly HeldTraitValue[];
      /** The latest visit retention found in the lake for them (it keeps them while that is recent), if it ever looked. */
      readonly lakeSeenAt: string | null;
      readonly sessions: readonly Record<string, unknown>[];
      readonly events: readonly Record<string, unknown>[];
      readonly rawEvents: readonly {
        readonly eventId: string;
        readonly receivedAt: string;
        readonly payload: unknown;
      }[];
      readonly softLinks: readonly Record<string, unknown>[];
      /** The weak signals (keyed hashes of IP and user agent, of e-mail variants) soft links are proposed from. */
      readonly softSignals: readonly Record<string, unknown>[];
      /** Conversions (postbacks) that name them by an anonymous, user or device id, with the network's payload. */
      readonly conversions: readonly Record<string, unknown>[];
      /**
       * The events the lake holds under their anonymous and user ids, whole (`lakeEventsOfPerson`):
       * every page when asked for all, else the first with the `next` to ask for more. Absent when the
       * export was made without the lake.
       */
      readonly lakeEvents?: LakeEventPage & { readonly idsLeftOut: number };
    }
  | { readonly personId: string; readonly erased: true; readonly erasedAt: string };

export interface HeldTraitValue {
  readonly key: string;
  readonly mode: 'set' | 'set_once';
  /** Decrypted; `null` when it can no longer be opened. */
  readonly value: unknown;
  readonly observedAt: string;
  readonly shownBy: { readonly type: string; readonly value: string | null };
}

/**
 * Everything held on one person (GDPR access): profile, every trait value, sessions, events and raw events (decrypted),
 * soft links and the signals they come from, the conversions that name them, and (given the lake) the
 * lake's events under their anonymous and user ids. A merged person's id leads to the person it was merged into; an erased one yields only
 * its tombstone. What `sightline persons export <id>` prints.
 *
 * @example
 * const data = await exportPerson({ sql, keyring }, { organizationId, personId });
 */
export async function exportPerson(
  access: IdentityAccess,
  request: { readonly organizationId: string; readonly personId: string; readonly now?: Date },
  /** The lake, to add the events it holds on them; `allPages` reads every page (the CLI), else the first (the API). */
  lake?: LakeActivityDeps & { readonly allPages?: boolean },
): Promise<PersonExport> {
  const held = await exportHeld(access, request);
  if (held.erased || !lake) return held;
  const ids = lakeIdentifiersOf(held.person);
  let page = await lakeEventsOfPerson(lake, held.person.siteId, ids);
  if (lake.allPages) {
    const events = [...page.events];
    while (page.next) {
      page = await lakeEventsOfPerson(lake, held.person.siteId, ids, { after: page.next });
      events.push(...page.events);
    }
    page = { ...page, events };
  }
  return { ...held, lakeEvents: page };
}

/**
 * A page of the lake events held on a person after the first (`next` of the export's
 * `lakeEvents`): what `GET /api/persons/{personId}/lake-events` answers.
 */
export async function exportLakeEvents(
  access: IdentityAccess,
  lake: LakeActivityDeps,
  request: { readonly organizationId: string; readonly personId: string; readonly after?: string },
): Promise<LakeEventPage & { readonly idsLeftOut: number }> {
  // The profile alone names the ids: not the rest of the export (raw events decrypted, sessions, ...).
  const keys = await access.keyring.keysFor(request.organizationId);
  const person = await withOrganization(access.sql, request.organizationId, async (trx) => {
    const current = await currentPerson(trx, request.personId);
    return current.erased_at ? undefined : loadPersonProfile(trx, keys, request.organizationId, current.id);
  });
  if (!person) return { events: [], next: null, idsLeftOut: 0 };
  return lakeEventsOfPerson(lake, person.siteId, lakeIdentifiersOf(person), {
    ...(request.after !== undefined ? { after: request.after } : {}),
  });
}

/** The person an id leads to now (a merged id to the person it was merged into); `NotFoundError` if none. */
async function currentPerson(trx: Kysely<Database>, personId: string) {
  const alias = await trx
    .selectFrom('persons')
    .select(['id', 'merged_into'])
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!alias) throw new NotFoundError(`person ${personId} not found`);
  return trx
    .selectFrom('persons')
    .select(['id', 'erased_at', 'lake_seen_at'])
    .where('id', '=', alias.merged_into ?? alias.id)
    .executeTakeFirstOrThrow();
}

/** The ids the lake's events carry in columns of their own: anonymous and user ids (plaintext in the profile). */
function lakeIdentifiersOf(person: PersonProfile): LakeIdentifier[] {
  return person.identifiers.flatMap((i) =>
    (i.type === 'anonymous_id' || i.type === 'user_id') && i.value !== null ? [{ type: i.type, value: i.value }] : [],
  );
}

/** Everything PostgreSQL holds on the person. */
async function exportHeld(
  access: IdentityAccess,
  request: { readonly organizationId: string; readonly personId: string; readonly now?: Date },
): Promise<PersonExport> {
  const keys = await access.keyring.keysFor(request.organizationId);
  return withOrganization(access.sql, request.organizationId, async (trx) => {
    const current = await currentPerson(trx, request.personId);
    const currentId = current.id;
    if (current.erased_at) return { personId: currentId, erased: true, erasedAt: iso(current.erased_at) };

    const person = (await loadPersonProfile(trx, keys, request.organizationId, currentId)) as PersonProfile;
    // The profile holds the identifiers: the pseudonymous ones a conversion can name are plaintext.
    const held = person.identifiers.flatMap((i) => (i.value === null ? [] : [{ type: i.type, value: i.value }]));
    const conversions = await conversionsOfPerson(trx, person.siteId, held);
    const ids = [currentId, ...person.mergedFrom];
    const { rows: sessions } = await raw<Record<string, unknown>>`
      select session_id as "sessionId", person_id as "personId", started_at as "startedAt", last_event_at as "lastEventAt",
        event_count as "eventCount", entry_url as "entryUrl", referrer
      from sessions where person_id in ${uuidList(ids)} order by started_at`.execute(trx);
    const { rows: events } = await raw<Record<string, unknown>>`
      select event_id as "eventId", occurred_at as "occurredAt", person_id as "personId", session_id as "sessionId",
        type, name, url, referrer
      from events where person_id in ${uuidList(ids)} order by occurred_at`.execute(trx);
    const { rows: rawRows } = await raw<{
      sha256: Uint8Array;
      event_id: string;
      received_at: Date;
      payload_cipher: Uint8Array;
      site_id: string;
      key_person_id: string | null;
    }>`
      select sha256, event_id, received_at, payload_cipher, site_id, key_person_id from raw_events
      where person_id in ${uuidList(ids)} order by received_at`.execute(trx);
    // Each payload opens with the key of the person it was sealed for (one merged in, perhaps).
    const sealers = await personKeys(
      trx,
      keys.encryptionKey,
      request.organizationId,
      rawRows.flatMap((r) => (r.key_person_id ? [r.key_person_id] : [])),
      { create: false },
    );
    const keyOf = (r: { key_person_id: string | null }) =>
      r.key_person_id === null ? keys.payloadKey : sealers.get(r.key_person_id);
    const traitValues = await heldTraitValues(trx, keys.encryptionKey, request.organizationId, currentId);
    const { rows: softLinks } = await raw<Record<string, unknown>>`
      select l.person_a as "personA", l.person_b as "personB", l.status, l.created_at as "createdAt",
        l.decided_at as "decidedAt",
        coalesce((select jsonb_agg(jsonb_build_object('kind', e.kind, 'windowStart', e.window_start,
            'firstSeenAt', e.first_seen_at, 'lastSeenAt', e.last_seen_at) order by e.kind, e.window_start)
          from soft_link_evidence e where e.link_id = l.id), '[]') as evidence
      from soft_links l where l.person_a = ${uuidAny(ids)} or l.person_b = ${uuidAny(ids)}
      order by l.created_at, l.id`.execute(trx);

    const { rows: softSignals } = await raw<Record<string, unknown>>`
      select kind, digest, person_id as "personId", first_seen_at as "firstSeenAt", last_seen_at as "lastSeenAt"
      from soft_signals where person_id in ${uuidList(ids)} order by first_seen_at, kind, digest`.execute(trx);

    return {
      personId: currentId,
      erased: false,
      exportedAt: iso(request.now ?? new Date()),
      person,
      traitValues,
      lakeSeenAt: current.lake_seen_at ? iso(current.lake_seen_at) : null,
      sessions: sessions.map(withIsoDates),
      events: events.map(withIsoDates),
      rawEvents: rawRows.map((r) => {
        const key = keyOf(r);
        return {
          eventId: r.event_id,
          receivedAt: iso(r.received_at),
          // A payload whose sealer was erased is noise: shown as such, not as an error.
          payload: key
            ? JSON.parse(openText(key, r.payload_cipher, rawEventAad(r.site_id, Buffer.from(r.sha256).toString('hex'))))
            : null,
        };
      }),
      softLinks: softLinks.map(withIsoDates),
      softSignals: softSignals.map(withIsoDates),
      conversions: conversions.map(withIsoDates),
    };
  });
}

/** The person's trait rows, one per identifier, key and mode, opened (PII traits and PII identifiers alike). */
async function heldTraitValues(
  trx: Kysely<Database>,
  encryptionKey: Uint8Array,
  organizationId: string,
  personId: string,
): Promise<HeldTraitValue[]> {
  const { rows } = await raw<{
    key: string;
    mode: 'set' | 'set_once';
    value: unknown;
    value_cipher: Uint8Array | null;
    key_person_id: string | null;
    observed_at: Date;
    site_id: string;
    type: string;
    identifier_value: string;
    identifier_cipher: Uint8Array | null;
    identifier_key_person_id: string | null;
  }>`
    select t.key, t.mode, t.value, t.value_cipher, t.key_person_id, t.observed_at, i.site_id, i.type,
      i.value as identifier_value, i.value_cipher as identifier_cipher, i.key_person_id as identifier_key_person_id
    from person_traits t join identifiers i on i.id = t.source_identifier_id
    where t.person_id = ${personId}::uuid
    order by t.key, t.mode, t.observed_at, i.type, i.value`.execute(trx);
  const sealed = await openSealedValues(
    trx,
    encryptionKey,
    organizationId,
    rows.flatMap((r) => [r.key_person_id, r.identifier_key_person_id]),
  );
  return rows.map((r) => ({
    key: r.key,
    mode: r.mode,
    value: sealed.trait(r),
    observedAt: iso(r.observed_at),
    shownBy: {
      type: r.type,
      value: sealed.identifier(r.site_id, {
        type: r.type,
        value: r.identifier_value,
        value_cipher: r.identifier_cipher,
        key_person_id: r.identifier_key_person_id,
      }),
    },
  }));
}

function withIsoDates(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}
