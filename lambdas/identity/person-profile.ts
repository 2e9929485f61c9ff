import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import type { OrganizationKeys } from './crypto/organization-keys';
import { openSealedValues } from './sealed-values';
import { uuidList } from './sql-values';
import { BEST_TRAITS_FIRST } from './trait-rows';

export interface ProfileIdentifier {
  readonly type: string;
  /** Plaintext; for PII decrypted, or `null` when its key was shredded. */
  readonly value: string | null;
  readonly firstSeenAt: string;
}

export interface ProfileCompany {
  readonly id: string;
  readonly domain: string | null;
  readonly groupId: string | null;
  readonly name: string | null;
  readonly source: string;
  readonly firstSeenAt: string;
}

export interface ProfileMerge {
  readonly from: string;
  readonly into: string;
  readonly rule: string;
  readonly mergedAt: string;
  readonly reversedAt: string | null;
}

export interface ProfileConflict {
  readonly reason: string;
  readonly identifier: { readonly type: string; readonly value: string | null };
  readonly personIds: readonly string[];
  readonly detectedAt: string;
}

/** Everything identity resolution holds on one current person, as plain JSON. */
export interface PersonProfile {
  readonly id: string;
  readonly siteId: string;
  readonly firstSeenAt: string;
  readonly createdAt: string;
  /** Ids of persons merged into this one: events recorded under them belong here. */
  readonly mergedFrom: readonly string[];
  readonly identifiers: readonly ProfileIdentifier[];
  /** Effective traits: the latest `$set`, else the earliest `$set_once`. */
  readonly traits: Readonly<Record<string, unknown>>;
  readonly companies: readonly ProfileCompany[];
  readonly merges: readonly ProfileMerge[];
  readonly conflicts: readonly ProfileConflict[];
}

/** The profile of a current (not merged, not erased) person, PII decrypted; `undefined` when there is none. */
export async function loadPersonProfile(
  db: Kysely<Database>,
  keys: OrganizationKeys,
  organizationId: string,
  personId: string,
): Promise<PersonProfile | undefined> {
  return (await loadPersonProfiles(db, keys, organizationId, [personId])).get(personId);
}

/**
 * The profiles of several current persons at once (a page of the persons list): each table read
 * once for all of them, so a page costs as many statements as one person. Persons merged, erased or
 * unknown are absent from the map.
 *
 * @example
 * const profiles = await loadPersonProfiles(trx, keys, organizationId, page.map((p) => p.id));
 */
export async function loadPersonProfiles(
  db: Kysely<Database>,
  keys: OrganizationKeys,
  organizationId: string,
  personIds: readonly string[],
): Promise<Map<string, PersonProfile>> {
  const profiles = new Map<string, PersonProfile>();
  const wanted = [...new Set(personIds)];
  if (wanted.length === 0) return profiles;
  const persons = await db
    .selectFrom('persons')
    .select(['id', 'site_id', 'first_seen_at', 'created_at'])
    .where('id', 'in', wanted)
    .where('merged_into', 'is', null)
    .where('erased_at', 'is', null)
    .execute();
  if (persons.length === 0) return profiles;
  const ids = persons.map((p) => p.id);

  const mergedFrom = await db
    .selectFrom('persons')
    .select(['id', 'merged_into'])
    .where('merged_into', 'in', ids)
    .orderBy('id')
    .execute();
  const identifiers = await db
    .selectFrom('identifiers')
    .select(['id', 'person_id', 'type', 'value', 'value_cipher', 'key_person_id', 'first_seen_at'])
    .where('person_id', 'in', ids)
    .orderBy('type')
    .orderBy('first_seen_at')
    .execute();
  // A person's trait is the best of the rows its identifiers hold (`$set` the latest, `$set_once` the earliest).
  const { rows: traits } = await raw<{
    person_id: string;
    key: string;
    mode: 'set' | 'set_once';
    value: unknown;
    value_cipher: Uint8Array | null;
    key_person_id: string | null;
  }>`
    select distinct on (person_id, key, mode) person_id, key, mode, value, value_cipher, key_person_id
    from person_traits where person_id in ${uuidList(ids)}
    order by ${BEST_TRAITS_FIRST}`.execute(db);
  // Conflicts on their identifiers and those naming them, each through its index (the second by
  // `identity_conflicts_naming`, migration `0025-conflict-persons`).
  const idList = raw.join(ids.map((id) => raw`${id}::uuid`));
  const { rows: conflicts } = await raw<{
    reason: string;
    person_ids: string[];
    detected_at: Date;
    person_id: string | null;
    type: string;
    value: string;
    value_cipher: Uint8Array | null;
    key_person_id: string | null;
  }>`
    select c.reason, c.person_ids, c.detected_at, i.person_id, i.type, i.value, i.value_cipher, i.key_person_id
    from identity_conflicts c join identifiers i on i.id = c.identifier_id
    where c.id in (
      select held.id from identifiers mine join identity_conflicts held on held.identifier_id = mine.id
      where mine.person_id in (${idList})
      union
      select naming.id from identity_conflicts_naming(array[${idList}]) as naming
    )
    order by c.detected_at`.execute(db);
  // A company shown by several of a person's identifiers: once, as first seen.
  const { rows: companies } = await raw<{
    person_id: string;
    id: string;
    domain: string | null;
    group_id: string | null;
    name: string | null;
    source: string;
    first_seen_at: Date;
  }>`
    select * from (
      select distinct on (pc.person_id, pc.company_id) pc.person_id, c.id, c.domain, c.group_id, c.name, pc.source,
        pc.first_seen_at
      from person_companies pc join companies c on c.id = pc.company_id
      where pc.person_id in ${uuidList(ids)}
      order by pc.person_id, pc.company_id, pc.first_seen_at, pc.source
    ) pc order by pc.first_seen_at, pc.id`.execute(db);
  const mergedIds = [...ids, ...mergedFrom.map((m) => m.id)];
  const merges = await db
    .selectFrom('person_merges')
    .select(['from_person_id', 'into_person_id', 'rule', 'merged_at', 'reversed_at'])
    .where((eb) => eb.or([eb('into_person_id', 'in', ids), eb('from_person_id', 'in', mergedIds)]))
    .orderBy('merged_at')
    .orderBy('id')
    .execute();

  const sealed = await openSealedValues(
    db,
    keys.encryptionKey,
    organizationId,
    [...identifiers, ...traits, ...conflicts].map((r) => r.key_person_id),
  );

  for (const person of persons) {
    const id = person.id;
    const from = mergedFrom.filter((m) => m.merged_into === id).map((m) => m.id);
    const aliases = new Set([id, ...from]);
    const effective: Record<string, unknown> = {};
    for (const mode of ['set_once', 'set'] as const) {
      for (const t of traits) {
        if (t.person_id !== id || t.mode !== mode) continue;
        effective[t.key] = sealed.trait(t);
      }
    }
    profiles.set(id, {
      id,
      siteId: person.site_id,
      firstSeenAt: iso(person.first_seen_at),
      createdAt: iso(person.created_at),
      mergedFrom: from,
      identifiers: identifiers
        .filter((r) => r.person_id === id)
        .map((r) => ({ type: r.type, value: sealed.identifier(person.site_id, r), firstSeenAt: iso(r.first_seen_at) })),
      traits: effective,
      companies: companies
        .filter((c) => c.person_id === id)
        .map((c) => ({
          id: c.id,
          domain: c.domain,
          groupId: c.group_id,
          name: c.name,
          source: c.source,
          firstSeenAt: iso(c.first_seen_at),
        })),
      merges: merges
        .filter((m) => m.into_person_id === id || aliases.has(m.from_person_id))
        .map((m) => ({
          from: m.from_person_id,
          into: m.into_person_id,
          rule: m.rule,
          mergedAt: iso(m.merged_at),
          reversedAt: m.reversed_at ? iso(m.reversed_at) : null,
        })),
      conflicts: conflicts
        .filter((c) => c.person_id === id || c.person_ids.includes(id))
        .map((c) => ({
          reason: c.reason,
          identifier: { type: c.type, value: sealed.identifier(person.site_id, c) },
          personIds: c.person_ids,
          detectedAt: iso(c.detected_at),
        })),
    });
  }
  return profiles;
}

export function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
