import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { type BatchItem, isBefore } from './batch-plan';
import {
  findIdentifiers,
  findLinks,
  insertFreshIdentifiers,
  regionsAround,
  type SeededRegionRow,
  sealIdentifiers,
  siteIdentifierKey,
  tryLockEach,
  writeLinks,
} from './batch-rows';
import type { OrganizationKeys } from './crypto/organization-keys';
import { personKeys } from './crypto/person-keys';
import { sealText } from './crypto/pii-cipher';
import { identifierAad } from './identifier-aad';
import type { RegionRow } from './identifier-rows';
import type { IdentityRules } from './identity-rules';
import { linksTouching } from './link-rows';
import { identifierLockKey } from './person-id';
import { rewriteRegion } from './region-writer';

/** What re-stitching a batch's observations together gave each of them. */
export interface Restitched {
  readonly resolved: Map<
    number,
    { personId: string; created: string[]; merges: { from: string; into: string; rule: string }[] }
  >;
  /** Observations left to the one-by-one careful path (a region another resolver holds, or too big). */
  readonly deferred: Set<number>;
  /** Every merge the re-stitching made (into the person each merged person now points at). */
  readonly merges: readonly { readonly from: string; readonly into: string; readonly rule: string }[];
  /** Each identifier of the re-stitched regions → its person now. */
  readonly personOf: ReadonlyMap<number, string>;
}

/**
 * The careful path for many observations of one site at once: their links placed, then the union of
 * their regions re-stitched in one go (`stitch` is a function of the set of links, so one run over
 * the union equals one run per region) and the difference written with the region writer's
 * multi-row statements. The caller holds the locks of the observations' identifiers; the rest of
 * the regions' locks are only tried, and an observation whose region is held elsewhere, or would
 * grow past `regionCap`, is deferred untouched.
 */
export async function restitchTogether(
  trx: Kysely<Database>,
  scope: { readonly organizationId: string; readonly siteId: string },
  keys: OrganizationKeys,
  rules: IdentityRules,
  items: readonly BatchItem[],
  held: Set<string>,
): Promise<Restitched> {
  const deferred = new Set<number>();
  if (items.length === 0) return { resolved: new Map(), deferred, merges: [], personOf: new Map() };
  const key = (a: { type: string; value: string }) => siteIdentifierKey(scope.siteId, a.type, a.value);
  const rows = new Map(
    (
      await findIdentifiers(
        trx,
        items.flatMap((p) => p.accepted.map((a) => ({ siteId: scope.siteId, ...a }))),
      )
    ).map((r) => [key(r), r]),
  );

  // Every region the observations touch, under all of its locks (tried; what is held elsewhere waits).
  const seedsOf = (p: BatchItem) => p.accepted.flatMap((a) => rows.get(key(a))?.id ?? []);
  const seeds = [...new Set(items.flatMap(seedsOf))];
  const limit = (rules.regionCap + 1) * Math.max(1, seeds.length);
  let region = await regionsAround(trx, seeds, limit);
  if (region.length >= limit)
    return { resolved: new Map(), deferred: new Set(items.map((p) => p.index)), merges: [], personOf: new Map() };
  const lockOf = (r: SeededRegionRow) => identifierLockKey(scope.siteId, r.type, r.value);
  const taken = await tryLockEach(
    trx,
    region.map(lockOf).filter((k) => !held.has(k)),
  );
  for (const k of taken) held.add(k);
  const contended = new Set(region.filter((r) => !held.has(lockOf(r))).map((r) => r.seed));
  const reread = [...new Set(region.filter((r) => taken.has(lockOf(r))).map((r) => r.seed))];
  if (reread.length > 0) {
    const again = await regionsAround(trx, reread, limit);
    const members = (of: readonly SeededRegionRow[], seed: number) =>
      of
        .filter((r) => r.seed === seed)
        .map((r) => r.id)
        .sort((a, b) => a - b)
        .join(',');
    for (const seed of reread) if (members(region, seed) !== members(again, seed)) contended.add(seed);
    region = [...region.filter((r) => !reread.includes(r.seed)), ...again];
  }

  // Components of the union once the links are placed; one past the region cap is left to the
  // one-by-one path, which trims links to the cap.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string) => parent.set(find(a), find(b));
  for (const r of region) union(`i${r.id}`, `i${r.seed}`);
  const members = (p: BatchItem) =>
    p.accepted.map((a) => (rows.has(key(a)) ? `i${rows.get(key(a))?.id}` : `f${key(a)}`));
  for (const p of items) for (const m of members(p)) union(m, members(p)[0] as string);
  const sizes = new Map<string, number>();
  for (const x of new Set([...region.map((r) => `i${r.id}`), ...items.flatMap(members)])) {
    sizes.set(find(x), (sizes.get(find(x)) ?? 0) + 1);
  }
  const blocked = new Set(
    items.filter((p) => seedsOf(p).some((s) => contended.has(s))).map((p) => find(members(p)[0] as string)),
  );
  const kept = items.filter((p) => {
    const component = find(members(p)[0] as string);
    const ok = !blocked.has(component) && (sizes.get(component) ?? 0) <= rules.regionCap;
    if (!ok) deferred.add(p.index);
    return ok;
  });
  if (kept.length === 0) return { resolved: new Map(), deferred, merges: [], personOf: new Map() };

  // The links: new identifiers stored (their person comes from re-stitching), sets new or earlier placed.
  const fresh = new Map<
    string,
    { type: (typeof items)[number]['accepted'][number]['type']; value: string; at: number }
  >();
  for (const p of kept) {
    for (const a of p.accepted) {
      const k = key(a);
      if (!rows.has(k))
        fresh.set(k, { type: a.type, value: a.value, at: Math.min(fresh.get(k)?.at ?? p.observedAt, p.observedAt) });
    }
  }
  const freshIds = await insertFreshIdentifiers(
    trx,
    scope.organizationId,
    [...fresh.values()].map((f) => ({
      siteId: scope.siteId,
      type: f.type,
      value: f.value,
      personId: null,
      firstSeenAt: new Date(f.at),
      cipher: null,
    })),
  );
  const idOf = (a: { type: string; value: string }) => rows.get(key(a))?.id ?? (freshIds.get(key(a)) as number);
  const known = await findLinks(
    trx,
    kept
      .filter((p) => p.accepted.every((a) => rows.has(key(a))))
      .map((p) => ({ siteId: scope.siteId, ids: p.accepted.map(idOf) })),
  );
  const linkOf = new Map(known.map((l) => [[...l.identifier_ids].sort((a, b) => a - b).join(','), l]));
  const setOf = (p: BatchItem) =>
    p.accepted
      .map(idOf)
      .sort((a, b) => a - b)
      .join(',');
  const advances = kept.flatMap((p) => {
    const link = linkOf.get(setOf(p));
    const placed = link && { observedAt: new Date(link.first_observed_at).getTime(), eventId: link.first_event_id };
    return link && placed && isBefore(p, placed)
      ? [{ linkId: link.id, observedAt: new Date(p.observedAt), eventId: p.eventId }]
      : [];
  });
  await writeLinks(
    trx,
    scope.organizationId,
    kept
      .filter((p) => !linkOf.has(setOf(p)))
      .map((p) => ({
        siteId: scope.siteId,
        ids: p.accepted.map(idOf),
        observedAt: new Date(p.observedAt),
        eventId: p.eventId,
      })),
    advances,
  );

  // One re-stitching of the union of the regions: the kept observations' regions as read under all
  // their locks, and their new identifiers (their new links join nothing else).
  const keptSeeds = new Set(kept.flatMap(seedsOf));
  const wholeOf = new Map<number, RegionRow>();
  for (const r of region) if (keptSeeds.has(r.seed) && !wholeOf.has(r.id)) wholeOf.set(r.id, r);
  for (const [k, f] of fresh) {
    const id = freshIds.get(k) as number;
    wholeOf.set(id, {
      id,
      type: f.type,
      value: f.value,
      person_id: null,
      first_seen_at: new Date(f.at),
      has_cipher: false,
      fresh: false,
      created_person_id: null,
      created_person_merged_into: null,
    });
  }
  const whole = [...wholeOf.values()].sort((a, b) => a.id - b.id);
  const links = await linksTouching(
    trx,
    whole.map((r) => r.id),
  );
  const changes = await rewriteRegion(trx, scope, whole, links, rules, keys.encryptionKey);

  // E-mails and phones stored without ciphertext, sealed with the key of the person they went to.
  const sealing = new Map<number, { id: number; personId: string; plaintext: string; type: string; value: string }>();
  for (const p of kept) {
    for (const a of p.accepted) {
      const row = rows.get(key(a));
      const id = idOf(a);
      const personId = changes.personOf.get(id);
      if (a.plaintext === undefined || row?.has_cipher || !personId) continue;
      sealing.set(id, { id, personId, plaintext: a.plaintext, type: a.type, value: a.value });
    }
  }
  const personKeyOf = await personKeys(
    trx,
    keys.encryptionKey,
    scope.organizationId,
    [...sealing.values()].map((s) => s.personId),
    { create: true },
  );
  await sealIdentifiers(
    trx,
    [...sealing.values()].map((s) => ({
      id: s.id,
      personId: s.personId,
      cipher: Buffer.from(
        sealText(personKeyOf.get(s.personId) as Uint8Array, s.plaintext, identifierAad(scope.siteId, s.type, s.value)),
      ).toString('base64'),
    })),
  );

  const resolved: Restitched['resolved'] = new Map();
  for (const p of kept) {
    const personId = changes.personOf.get(idOf(p.accepted[0] as BatchItem['accepted'][number])) as string;
    resolved.set(p.index, {
      personId,
      created: changes.createdPersons.filter((c) => c === personId),
      merges: changes.merges.filter((m) => m.into === personId),
    });
  }
  return { resolved, deferred, merges: changes.merges, personOf: changes.personOf };
}
