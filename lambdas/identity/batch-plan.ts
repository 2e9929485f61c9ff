import type { IdentifierRow } from './identifier-rows';
import { type IdentityRules, priorityOf } from './identity-rules';
import type { PreparedIdentifier } from './prepared-identifiers';

/** One observation of a batch, its identifiers prepared (highest priority first). */
export interface BatchItem {
  readonly index: number;
  readonly siteId: string;
  /** Epoch ms. */
  readonly observedAt: number;
  readonly eventId: string;
  readonly accepted: readonly PreparedIdentifier[];
}

/** The link of a set of identifiers as stored: where its earliest sighting places it. */
export interface KnownLink {
  readonly id: number;
  /** Epoch ms. */
  readonly observedAt: number;
  readonly eventId: string;
}

/**
 * How an observation of a batch is resolved.
 * - `confirm`: its link is known and placed no later; it changes no person (the common case).
 * - `advance`: the known link of one identifier, seen earlier than placed: it moves earlier and, if
 *   another link placed that identifier before, or it is what started its person, changes nothing else.
 * - `create`: every identifier is new: one new person, created by its highest-priority identifier.
 * - `extend`: new identifiers join the person of one known identifier (`via`), if its region allows;
 *   possibly through identifiers an earlier observation of the batch added to that person.
 * - `grow`: new identifiers join a person created earlier in the batch (by observation `creator`).
 * - `follow`: the same identifiers as an earlier observation of the batch (its leader), which decides
 *   their person: resolved with it, or after it when the leader is `careful`.
 * - `careful`: everything else (a link that joins persons, or moves earlier): re-stitched on its own.
 *
 * `after` lists the earlier observations whose new identifiers this one relies on: if one of them
 * turns careful, so does this one.
 */
export type Placement =
  | { readonly kind: 'confirm'; readonly personId: string }
  | { readonly kind: 'advance'; readonly personId: string; readonly via: IdentifierRow; readonly linkId: number }
  | { readonly kind: 'create' }
  | {
      readonly kind: 'extend';
      readonly via: IdentifierRow;
      readonly fresh: readonly PreparedIdentifier[];
      readonly after: readonly number[];
    }
  | {
      readonly kind: 'grow';
      readonly creator: number;
      readonly fresh: readonly PreparedIdentifier[];
      readonly after: readonly number[];
    }
  | { readonly kind: 'follow'; readonly leader: number }
  | { readonly kind: 'careful' };

export interface BatchLookups {
  /** The stored row of an identifier, if it exists. */
  identifier(siteId: string, type: string, value: string): IdentifierRow | undefined;
  /** The link of exactly these identifier ids, if it exists. */
  link(siteId: string, ids: readonly number[]): KnownLink | undefined;
}

/**
 * Who an identifier new to the batch was given to by an earlier observation of the batch; `careful`
 * when that observation is re-stitched, which places it only then.
 */
type Placed =
  | { readonly by: number; readonly via: IdentifierRow }
  | { readonly by: number; readonly creator: number }
  | { readonly by: number; readonly careful: true };

/**
 * Sorts a batch into what needs no re-stitching and what does. The earliest observation of each
 * distinct set of identifiers leads it (re-stitching goes by event time, so only it can place the
 * set's link); the others follow it. Leaders are planned in event-time order, so that identifiers new
 * to the database are placed by the first observation that shows them, and later ones can rely on
 * that. Pure: the caller holds the locks of every identifier read.
 *
 * @example
 * const placements = planBatch(items, lookups, DEFAULT_IDENTITY_RULES);
 */
export function planBatch(items: readonly BatchItem[], lookups: BatchLookups, rules: IdentityRules): Placement[] {
  const setOf = (item: BatchItem) => `${item.siteId}\u0001${item.accepted.map(identifierKey).join('\u0001')}`;
  const leaders = new Map<string, BatchItem>();
  for (const item of items) {
    const key = setOf(item);
    const leader = leaders.get(key);
    if (!leader || isBefore(item, leader)) leaders.set(key, item);
  }

  const placed = new Map<string, Placed>();
  const createdCounts = new Map<number, Map<string, number>>();
  const leading = new Map<string, Placement>();
  for (const [key, leader] of [...leaders].sort(([, a], [, b]) => (isBefore(a, b) ? -1 : 1))) {
    const placement = placeLeader(leader);
    leading.set(key, placement);
    const fresh =
      placement.kind === 'create'
        ? leader.accepted
        : placement.kind === 'extend' || placement.kind === 'grow'
          ? placement.fresh
          : [];
    if (placement.kind === 'careful') {
      // Re-stitching gives the new identifiers it shows their person: a later observation showing one
      // relies on it, and is re-stitched with it (as one by one, in event order, would place it).
      for (const a of leader.accepted) {
        const at = `${leader.siteId}\u0001${identifierKey(a)}`;
        if (!lookups.identifier(leader.siteId, a.type, a.value) && !placed.has(at)) {
          placed.set(at, { by: leader.index, careful: true });
        }
      }
    }
    for (const a of fresh) {
      const at = `${leader.siteId}\u0001${identifierKey(a)}`;
      if (placement.kind === 'extend') placed.set(at, { by: leader.index, via: placement.via });
      else placed.set(at, { by: leader.index, creator: placement.kind === 'grow' ? placement.creator : leader.index });
    }
  }

  return items.map((item) => {
    const key = setOf(item);
    const leader = leaders.get(key) as BatchItem;
    const placement = leading.get(key) as Placement;
    if (leader === item || placement.kind === 'confirm') return placement;
    return { kind: 'follow', leader: leader.index };
  });

  function placeLeader(item: BatchItem): Placement {
    const rows = item.accepted.map((a) => lookups.identifier(item.siteId, a.type, a.value));
    const known = rows.filter((r): r is IdentifierRow => r !== undefined);
    if (known.length === rows.length) {
      const link = lookups.link(
        item.siteId,
        known.map((r) => r.id),
      );
      const settled = known.every((r, i) => r.person_id !== null && (r.has_cipher || !item.accepted[i]?.plaintext));
      if (!link || !settled) return { kind: 'careful' };
      const personId = known[0]?.person_id as string;
      if (!isBefore(item, link)) return { kind: 'confirm', personId };
      const via = known[0] as IdentifierRow;
      return known.length === 1 ? { kind: 'advance', personId, via, linkId: link.id } : { kind: 'careful' };
    }
    const earlier = item.accepted.flatMap((a, i) => {
      const p = rows[i] ? undefined : placed.get(`${item.siteId}\u0001${identifierKey(a)}`);
      return p ? [p] : [];
    });
    const fresh = item.accepted.filter((a, i) => !rows[i] && !placed.has(`${item.siteId}\u0001${identifierKey(a)}`));
    const after = [...new Set(earlier.map((p) => p.by))];
    if (known.length > 1 || earlier.some((p) => 'careful' in p)) return { kind: 'careful' };
    const via = known[0] ?? earlier.find((p): p is Extract<Placed, { via: IdentifierRow }> => 'via' in p)?.via;
    if (via) {
      // One person, reached through one known identifier (directly or through what the batch added to it).
      const sameVia = earlier.every((p) => 'via' in p && p.via.id === via.id);
      if (via.person_id === null || !sameVia || !withinLimits(item.accepted, rules)) return { kind: 'careful' };
      return { kind: 'extend', via, fresh, after };
    }
    if (earlier.length === 0) {
      if (!withinLimits(item.accepted, rules)) return { kind: 'careful' };
      createdCounts.set(item.index, countsOf(item.accepted));
      return { kind: 'create' };
    }
    const creators = new Set(earlier.map((p) => ('creator' in p ? p.creator : -1)));
    const creator = [...creators][0] as number;
    const counts = new Map(createdCounts.get(creator) ?? []);
    for (const a of fresh) counts.set(a.type, (counts.get(a.type) ?? 0) + 1);
    const total = [...counts.values()].reduce((n, c) => n + c, 0);
    const fits =
      [...counts].every(([type, n]) => n <= rules.limits[type as PreparedIdentifier['type']]) &&
      total <= Math.min(rules.mergeCap, rules.regionCap);
    if (creators.size !== 1 || creator === -1 || !fits) return { kind: 'careful' };
    createdCounts.set(creator, counts);
    return { kind: 'grow', creator, fresh, after };
  }
}

function countsOf(accepted: readonly PreparedIdentifier[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of accepted) counts.set(a.type, (counts.get(a.type) ?? 0) + 1);
  return counts;
}

/** Whether one link's identifiers break no per-type limit by themselves. */
function withinLimits(accepted: readonly PreparedIdentifier[], rules: IdentityRules): boolean {
  const counts = countsOf(accepted);
  return accepted.every((a) => (counts.get(a.type) as number) <= rules.limits[a.type]);
}

/** Whether `a` comes before `b` in stitching order (event time, then event id). */
export function isBefore(
  a: { readonly observedAt: number; readonly eventId: string },
  b: { readonly observedAt: number; readonly eventId: string },
): boolean {
  return a.observedAt < b.observedAt || (a.observedAt === b.observedAt && a.eventId < b.eventId);
}

function identifierKey(a: { readonly type: string; readonly value: string }): string {
  return `${a.type}\u0000${a.value}`;
}

/** The identifier of an item that creates its person: the highest-priority one (as `stitch` picks it). */
export function creatorOf(item: BatchItem, rules: IdentityRules): PreparedIdentifier {
  return [...item.accepted].sort(
    (a, b) =>
      priorityOf(rules, a.type) - priorityOf(rules, b.type) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
  )[0] as PreparedIdentifier;
}
