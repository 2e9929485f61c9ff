import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { type BatchItem, isBefore } from './batch-plan';
import { earliestLinkOf, regionsAround, type SeededRegionRow, tryLockEach } from './batch-rows';
import type { IdentifierRow } from './identifier-rows';
import type { IdentityRules } from './identity-rules';
import { identifierLockKey } from './person-id';
import type { PreparedIdentifier } from './prepared-identifiers';

/** An observation that would add new identifiers to the person of its one known identifier. */
export interface Extension {
  readonly item: BatchItem;
  readonly via: IdentifierRow;
  readonly fresh: readonly PreparedIdentifier[];
}

/**
 * The extensions that re-stitching would decide exactly as "the new identifiers join the person of
 * the known one", so that they need no re-stitching. That holds when, under the locks of the whole
 * region (only tried: what another resolver holds is left for the careful path):
 * - a link placed the known identifier before this observation (else this one may start the person);
 * - the person, with every new identifier the batch adds to it, stays within each per-type limit,
 *   the merge cap and the region cap (so no later merge in the region is refused where it was not);
 * - new logins or addresses join only a person that has none (else two identified persons could
 *   meet later, where the stitching rules would keep them apart);
 * - the region holds one identified person at most (two are kept apart by a conflict, and a device
 *   seen with both is a shared device, whose new click ids stitching leaves alone).
 * Returns the indexes of the extensions that qualify.
 */
export async function qualifyingExtensions(
  trx: Kysely<Database>,
  extensions: readonly Extension[],
  held: Set<string>,
  rules: IdentityRules,
): Promise<Set<number>> {
  if (extensions.length === 0) return new Set();
  const seeds = [...new Set(extensions.map((e) => e.via.id))];
  const limit = (rules.regionCap + 1) * seeds.length;
  let region = await regionsAround(trx, seeds, limit);
  if (region.length >= limit) return new Set();
  const earliest = await earliestLinkOf(trx, seeds);
  const siteOf = new Map(extensions.map((e) => [e.via.id, e.item.siteId]));

  const keyOf = (r: SeededRegionRow) => identifierLockKey(siteOf.get(r.seed) as string, r.type, r.value);
  const missing = [...new Set(region.map(keyOf).filter((key) => !held.has(key)))];
  const taken = await tryLockEach(trx, missing);
  for (const key of taken) held.add(key);
  const contended = new Set(region.filter((r) => !held.has(keyOf(r))).map((r) => r.seed));
  // Regions read before all their locks were held may have grown since: read them again.
  const reread = [...new Set(region.filter((r) => taken.has(keyOf(r))).map((r) => r.seed))];
  if (reread.length > 0) {
    const again = await regionsAround(trx, reread, limit);
    const members = (rows: readonly SeededRegionRow[], seed: number) =>
      rows
        .filter((r) => r.seed === seed)
        .map((r) => `${r.id}:${r.person_id}`)
        .sort()
        .join(',');
    for (const seed of reread) if (members(region, seed) !== members(again, seed)) contended.add(seed);
    region = [...region.filter((r) => !reread.includes(r.seed)), ...again];
  }

  const byPerson = new Map<string, Extension[]>();
  for (const e of extensions) {
    const person = e.via.person_id as string;
    byPerson.set(person, [...(byPerson.get(person) ?? []), e]);
  }
  const qualifying = new Set<number>();
  for (const [person, group] of byPerson) {
    const seedRegion = region.filter((r) => r.seed === group[0]?.via.id);
    const members = seedRegion.filter((r) => r.person_id === person);
    const counts = new Map<string, number>();
    for (const m of members) counts.set(m.type, (counts.get(m.type) ?? 0) + 1);
    const fresh = group.flatMap((e) => e.fresh);
    for (const f of fresh) counts.set(f.type, (counts.get(f.type) ?? 0) + 1);
    const identified = members.some((m) => rules.identifying.includes(m.type));
    const identifiedPersons = new Set(
      seedRegion.filter((r) => rules.identifying.includes(r.type)).map((r) => r.person_id),
    );
    const ok =
      group.every((e) => !contended.has(e.via.id) && isPlacedBefore(earliest.get(e.via.id), e.item)) &&
      [...counts].every(([type, n]) => n <= rules.limits[type as PreparedIdentifier['type']]) &&
      !(identified && fresh.some((f) => rules.identifying.includes(f.type))) &&
      identifiedPersons.size <= 1 &&
      members.length + fresh.length <= rules.mergeCap &&
      seedRegion.length + fresh.length <= rules.regionCap;
    if (ok) for (const e of group) qualifying.add(e.item.index);
  }
  return qualifying;
}

function isPlacedBefore(link: { observedAt: number; eventId: string } | undefined, item: BatchItem): boolean {
  return link !== undefined && isBefore(link, item);
}
