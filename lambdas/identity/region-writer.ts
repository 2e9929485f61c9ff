import { type Kysely, type RawBuilder, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import type { RegionRow, Scope } from './identifier-rows';
import type { IdentityRules } from './identity-rules';
import type { LinkWithConflicts } from './link-rows';
import { personIdFor } from './person-id';
import { insertPersons, type NewPerson, type PersonRow, personsOfRegion } from './person-rows';
import { bigintList, recordset, uuidList } from './sql-values';
import { type StitchResult, stitch } from './stitching';
import { mayStraySeals, resealStraySeals } from './stray-seals';

/** What one resolution changed in its region. */
export interface RegionChanges {
  /** Each identifier's person after the change. */
  readonly personOf: ReadonlyMap<number, string>;
  readonly createdPersons: readonly string[];
  readonly merges: readonly { readonly from: string; readonly into: string; readonly rule: string }[];
  readonly conflicts: number;
}

/**
 * Re-stitches a region from its links and writes the difference: new persons, persons merged into
 * others (audited), identifiers pointed at their person with the traits and companies they showed,
 * values sealed with a key their new person does not hold sealed again (`encryptionKey` wraps the
 * persons' keys), conflicts recorded. The caller holds the locks of every identifier in the region.
 */
export async function rewriteRegion(
  db: Kysely<Database>,
  scope: Scope,
  region: readonly RegionRow[],
  links: readonly LinkWithConflicts[],
  rules: IdentityRules,
  encryptionKey: Uint8Array,
): Promise<RegionChanges> {
  const persons = personsOfRegion(region);
  const result = stitch(
    region.map((r) => ({ id: r.id, type: r.type, value: r.value, firstSeenAt: new Date(r.first_seen_at).getTime() })),
    links.map((l) => ({
      id: l.id,
      identifierIds: l.identifier_ids,
      observedAt: new Date(l.first_observed_at).getTime(),
      eventId: l.first_event_id,
    })),
    rules,
  );
  const byId = new Map(region.map((r) => [r.id, r]));
  const personByCreator = new Map(persons.map((p) => [p.creator_identifier_id, p]));

  const { ids: clusterIds, created } = await createClusterPersons(db, scope, result, byId, personByCreator);
  const personOf = new Map<number, string>();
  for (const [identifierId, creatorId] of result.creatorOf) {
    personOf.set(identifierId, clusterIds.get(creatorId) as string);
  }

  const merges = await rewritePersons(db, scope, result, persons, personOf);
  await repointIdentifiers(db, region, personOf);
  const outcome = { region, persons, personOf };
  if (mayStraySeals(outcome)) await resealStraySeals(db, encryptionKey, scope, outcome);
  const conflicts = await rewriteConflicts(db, scope, links, result, personOf);
  return { personOf, createdPersons: created.map((p) => p.id), merges, conflicts };
}

/**
 * The person id of each cluster: its creator's existing person, else a new person with an id derived
 * from the creator (moving to the next generation where an erased person's tombstone has the id).
 */
async function createClusterPersons(
  db: Kysely<Database>,
  scope: Scope,
  result: StitchResult,
  byId: ReadonlyMap<number, RegionRow>,
  personByCreator: ReadonlyMap<number, PersonRow>,
): Promise<{ ids: Map<number, string>; created: NewPerson[] }> {
  const ids = new Map<number, string>();
  let pending = result.clusters.filter((c) => {
    const existing = personByCreator.get(c.creatorId);
    if (existing) ids.set(c.creatorId, existing.id);
    return !existing;
  });
  const created: NewPerson[] = [];
  for (let generation = 0; pending.length > 0; generation++) {
    const candidates = pending.map((cluster): NewPerson => {
      const creator = byId.get(cluster.creatorId) as RegionRow;
      return {
        id: personIdFor(scope.siteId, creator.type, creator.value, generation),
        creatorIdentifierId: cluster.creatorId,
        firstSeenAt: new Date(cluster.firstSeenAt),
      };
    });
    const taken = await insertPersons(db, scope, candidates);
    pending = pending.filter((_, i) => taken.has((candidates[i] as NewPerson).id));
    for (const candidate of candidates) {
      if (taken.has(candidate.id)) continue;
      ids.set(candidate.creatorIdentifierId, candidate.id);
      created.push(candidate);
    }
  }
  return { ids, created };
}

/** Points every person row of the region at the person its creator now belongs to, auditing merges. */
async function rewritePersons(
  db: Kysely<Database>,
  scope: Scope,
  result: StitchResult,
  persons: readonly PersonRow[],
  personOf: ReadonlyMap<number, string>,
): Promise<{ from: string; into: string; rule: string }[]> {
  const targetOf = new Map(persons.map((p) => [p.id, personOf.get(p.creator_identifier_id) as string]));
  const ruleOf = new Map(result.merges.map((m) => [m.fromCreatorId, m.rule]));
  const changes: { id: string; mergedInto: string | null }[] = [];
  const audited: { from: string; into: string; rule: string }[] = [];
  const reversed: string[] = [];

  for (const person of persons) {
    const target = targetOf.get(person.id) as string;
    const next = target === person.id ? null : target;
    if (next === person.merged_into) continue;
    changes.push({ id: person.id, mergedInto: next });
    // Pointing past a person that was itself merged on is bookkeeping, not a new merge.
    const shortcut = person.merged_into !== null && next !== null && targetOf.get(person.merged_into) === next;
    if (shortcut) continue;
    if (person.merged_into !== null) reversed.push(person.id);
    if (next !== null) {
      audited.push({ from: person.id, into: next, rule: ruleOf.get(person.creator_identifier_id) ?? 'reordered' });
    }
  }

  // The persons re-pointed, merges reversed and merges audited: one statement.
  const writes: RawBuilder<unknown>[] = [];
  if (changes.length > 0) {
    writes.push(raw`pointed as (
      update persons p set merged_into = x.merged_into,
        merged_at = case when x.merged_into is null then null else now() end
      from ${recordset(
        changes.map((c) => ({ id: c.id, merged_into: c.mergedInto })),
        'id uuid, merged_into uuid',
      )} as x
      where p.id = x.id)`);
  }
  if (reversed.length > 0) {
    writes.push(raw`reversed as (update person_merges set reversed_at = now()
      where reversed_at is null and from_person_id in ${uuidList(reversed)}
    )`);
  }
  if (audited.length > 0) {
    writes.push(raw`audited as (
      insert into person_merges (organization_id, site_id, from_person_id, into_person_id, rule)
      select ${scope.organizationId}::uuid, ${scope.siteId}::uuid, x.from_id, x.into_id, x.rule
      from ${recordset(
        audited.map((a) => ({ from_id: a.from, into_id: a.into, rule: a.rule })),
        'from_id uuid, into_id uuid, rule text',
      )} as x)`);
  }
  if (writes.length > 0) await raw`with ${raw.join(writes)} select 1 as written`.execute(db);
  return audited;
}

/**
 * Points identifiers at their new person, and the traits and company links they showed with them: a
 * merge brings the merged person's along, and a merge reversed takes them back.
 */
async function repointIdentifiers(
  db: Kysely<Database>,
  region: readonly RegionRow[],
  personOf: ReadonlyMap<number, string>,
): Promise<void> {
  const changed = region
    .filter((r) => r.person_id !== personOf.get(r.id))
    .map((r) => ({ id: r.id, person_id: personOf.get(r.id) }));
  if (changed.length === 0) return;
  await raw`
    with x as ${recordset(changed, 'id bigint, person_id uuid')},
    pointed as (update identifiers i set person_id = x.person_id from x where i.id = x.id),
    traits as (update person_traits t set person_id = x.person_id from x where t.source_identifier_id = x.id),
    companies as (update person_companies c set person_id = x.person_id from x where c.source_identifier_id = x.id)
    select 1 as written`.execute(db);
}

/**
 * Replaces the region's stitching conflicts with the ones this stitching found. A conflict whose
 * persons changed (one of them merged away or re-assigned since) is written again with the current ones.
 */
async function rewriteConflicts(
  db: Kysely<Database>,
  scope: Scope,
  links: readonly LinkWithConflicts[],
  result: StitchResult,
  personOf: ReadonlyMap<number, string>,
): Promise<number> {
  const key = (c: { link_id: number; identifier_id: number; reason: string; person_ids: readonly string[] }) =>
    `${c.link_id}:${c.identifier_id}:${c.reason}:${[...c.person_ids].sort().join(',')}`;
  const found = result.conflicts.map((c) => ({
    link_id: c.linkId,
    identifier_id: c.identifierId,
    reason: c.reason,
    person_ids: [...new Set(c.creatorIds.map((id) => personOf.get(id) as string))],
  }));
  const existing = links.flatMap((l) => l.conflicts.map((c) => ({ ...c, link_id: l.id })));
  const wanted = new Set(found.map(key));
  const have = new Set(existing.map(key));
  const stale = existing.filter((c) => !wanted.has(key(c))).map((c) => Number(c.id));
  const fresh = found.filter((c) => !have.has(key(c)));
  if (stale.length > 0) {
    await raw`delete from identity_conflicts
      where id in ${bigintList(stale)}`.execute(db);
  }
  if (fresh.length > 0) {
    await raw`
      insert into identity_conflicts (organization_id, site_id, link_id, identifier_id, reason, person_ids)
      select ${scope.organizationId}::uuid, ${scope.siteId}::uuid, x.link_id, x.identifier_id, x.reason,
        array(select jsonb_array_elements_text(x.person_ids)::uuid)
      from ${recordset(fresh, 'link_id bigint, identifier_id bigint, reason text, person_ids jsonb')} as x
      on conflict (link_id, identifier_id) do update set reason = excluded.reason, person_ids = excluded.person_ids,
        detected_at = now()`.execute(db);
  }
  return found.length;
}
