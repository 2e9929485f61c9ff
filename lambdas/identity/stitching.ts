import type { IdentifierType } from './identifier-types';
import { type IdentityRules, priorityOf } from './identity-rules';

/**
 * The event id of a link a reviewer recorded by accepting a soft link (`soft-link-review.ts`): its
 * merges are audited as `manual_review`. Observations may not use it (`observation.ts`).
 */
export const MANUAL_REVIEW_EVENT_PREFIX = 'manual_review:';

export interface StitchIdentifier {
  readonly id: number;
  readonly type: IdentifierType;
  readonly value: string;
  /** Epoch ms; starts the person of an identifier that no link mentions any more. */
  readonly firstSeenAt: number;
}

/** A hard link: identifiers seen together on one event, placed in time by its earliest sighting. */
export interface StitchLink {
  readonly id: number;
  readonly identifierIds: readonly number[];
  readonly observedAt: number;
  readonly eventId: string;
}

export interface StitchCluster {
  /** The identifier that started the cluster; the person id derives from it. */
  readonly creatorId: number;
  readonly memberIds: readonly number[];
  /** When the link that started it was observed. */
  readonly firstSeenAt: number;
}

export interface StitchMerge {
  readonly fromCreatorId: number;
  readonly intoCreatorId: number;
  readonly linkId: number;
  readonly rule: string;
}

export interface StitchConflict {
  readonly linkId: number;
  /** The identifier dropped from the link so that no limit broke. */
  readonly identifierId: number;
  /** `limit:<type>`, `identified` (two identified persons glued by a cookie), `shared_device` (see `stitch`) or `merge_cap`. */
  readonly reason: string;
  /** Creators of the clusters the link touched when it was applied, and of the one the rest of it went to. */
  readonly creatorIds: readonly number[];
}

export interface StitchResult {
  readonly clusters: readonly StitchCluster[];
  /** Every identifier's cluster, by the cluster's creator id. */
  readonly creatorOf: ReadonlyMap<number, number>;
  readonly merges: readonly StitchMerge[];
  readonly conflicts: readonly StitchConflict[];
}

interface Cluster {
  readonly seq: number;
  readonly creatorId: number;
  readonly firstSeenAt: number;
  readonly members: Set<number>;
  readonly counts: Map<IdentifierType, number>;
}

/**
 * Partitions a region's identifiers into persons by applying its links in event-time order
 * (observed time, then event id, then content), each link merging the clusters it touches unless
 * that would break a limit; then its lowest-priority identifier is dropped and the link retried.
 *
 * Then shared devices: a cookie, device or click id that those rules left linked with the logins or
 * addresses of two persons (a family computer) is re-stitched as a shared device. It stays with the
 * person who identified on it first, but ties nothing else to anyone: a later login of someone else
 * does not take it, and the click ids and other anonymous identifiers seen with it stand alone
 * instead of going to its person (whose they may not be). PostHog treats a distinct id identified as
 * two people the same way; Segment Unify and RudderStack leave such a device with one profile.
 *
 * A pure function of the links as a set: the same links give the same persons (and the same
 * creators, hence person ids) whatever order they arrived in. That is what makes resolution
 * safe to run on many workers over a shuffled queue.
 *
 * @example
 * const { creatorOf } = stitch(identifiers, links, DEFAULT_IDENTITY_RULES);
 * creatorOf.get(anonymousIdRow.id) === creatorOf.get(userIdRow.id); // same person
 */
export function stitch(
  identifiers: readonly StitchIdentifier[],
  links: readonly StitchLink[],
  rules: IdentityRules,
): StitchResult {
  const first = applyLinks(identifiers, links, rules, new Set());
  const devices = sharedDevices(identifiers, links, first, rules);
  if (devices.size === 0) return first;
  const second = applyLinks(identifiers, links, rules, devices);
  // Where the other rules already refused the device (a second user id), their reason says more.
  const reasonOf = new Map(first.conflicts.map((c) => [`${c.linkId}:${c.identifierId}`, c.reason]));
  const conflicts = second.conflicts.map((c) =>
    c.reason === 'shared_device' ? { ...c, reason: reasonOf.get(`${c.linkId}:${c.identifierId}`) ?? c.reason } : c,
  );
  return { ...second, conflicts };
}

/**
 * The identifiers of other types than `rules.identifying` that a link shows with a login or an
 * address of another person than their own, in a stitching without shared devices.
 */
function sharedDevices(
  identifiers: readonly StitchIdentifier[],
  links: readonly StitchLink[],
  first: StitchResult,
  rules: IdentityRules,
): Set<number> {
  const identifying = new Set(identifiers.filter((i) => rules.identifying.includes(i.type)).map((i) => i.id));
  const devices = new Set<number>();
  for (const link of links) {
    const persons = new Set(
      link.identifierIds.filter((id) => identifying.has(id)).map((id) => first.creatorOf.get(id)),
    );
    if (persons.size === 0) continue;
    for (const id of link.identifierIds) {
      if (identifying.has(id)) continue;
      const own = first.creatorOf.get(id);
      if (persons.size > 1 || !persons.has(own)) devices.add(id);
    }
  }
  return devices;
}

/** One stitching pass; `devices` are the shared devices (see `stitch`). */
function applyLinks(
  identifiers: readonly StitchIdentifier[],
  links: readonly StitchLink[],
  rules: IdentityRules,
  devices: ReadonlySet<number>,
): StitchResult {
  const byId = new Map(identifiers.map((i) => [i.id, i]));
  const rank = (id: number) => {
    const identifier = byId.get(id);
    if (!identifier) throw new Error(`link references identifier ${id} outside the region`);
    return identifier;
  };
  const compareIdentifiers = (a: number, b: number) => {
    const x = rank(a);
    const y = rank(b);
    return priorityOf(rules, x.type) - priorityOf(rules, y.type) || compareText(x.value, y.value);
  };
  const contentKey = (link: StitchLink) =>
    [...link.identifierIds]
      .sort(compareIdentifiers)
      .map((id) => `${rank(id).type}:${rank(id).value}`)
      .join('\u0000');
  const ordered = links
    .map((link) => ({ link, key: contentKey(link) }))
    .sort(
      (a, b) =>
        a.link.observedAt - b.link.observedAt ||
        compareText(a.link.eventId, b.link.eventId) ||
        compareText(a.key, b.key),
    );

  const owner = new Map<number, Cluster>();
  const live = new Set<Cluster>();
  const merges: StitchMerge[] = [];
  const conflicts: StitchConflict[] = [];
  let seq = 0;

  const newCluster = (creatorId: number, firstSeenAt: number): Cluster => {
    const cluster: Cluster = { seq: seq++, creatorId, firstSeenAt, members: new Set(), counts: new Map() };
    live.add(cluster);
    return cluster;
  };
  const join = (cluster: Cluster, id: number) => {
    owner.set(id, cluster);
    cluster.members.add(id);
    const type = rank(id).type;
    cluster.counts.set(type, (cluster.counts.get(type) ?? 0) + 1);
  };
  // A dropped identifier not placed before stands alone from this link on. The conflict names the
  // persons the link touched and the one the rest of it went to (a login seen for the first time
  // starts its person here: that person is as much a party as the one the dropped identifier holds).
  const recordDrops = (
    link: StitchLink,
    dropped: readonly { id: number; reason: string; touched: Cluster[] }[],
    target?: Cluster,
  ) => {
    for (const drop of dropped) {
      if (!owner.has(drop.id)) join(newCluster(drop.id, link.observedAt), drop.id);
      const named = target && !drop.touched.includes(target) ? [...drop.touched, target] : drop.touched;
      conflicts.push({
        linkId: link.id,
        identifierId: drop.id,
        reason: drop.reason,
        creatorIds: named.map((c) => c.creatorId).sort((a, b) => a - b),
      });
    }
  };

  const identifies = (id: number) => rules.identifying.includes(rank(id).type);
  const isIdentified = (cluster: Cluster | undefined) =>
    cluster !== undefined && rules.identifying.some((type) => (cluster.counts.get(type) ?? 0) > 0);

  for (const { link } of ordered) {
    const kept = [...new Set(link.identifierIds)].sort(compareIdentifiers);
    const dropped: { id: number; reason: string; touched: Cluster[] }[] = [];
    if (devices.size > 0) {
      // A shared device goes only with the first person identified on it, and brings nobody else.
      const identifying = kept.filter(identifies);
      const at = clustersOf(kept, owner);
      for (const device of kept.filter((id) => devices.has(id))) {
        const cluster = owner.get(device);
        const keep =
          identifying.length > 0
            ? !isIdentified(cluster) || identifying.some((id) => owner.get(id) === cluster)
            : kept.length === 1;
        if (keep) continue;
        kept.splice(kept.indexOf(device), 1);
        dropped.push({ id: device, reason: 'shared_device', touched: at });
      }
    }
    let touched = clustersOf(kept, owner);
    let violation = violationOf(kept, touched, owner, rules, rank);
    while (violation !== undefined && kept.length > 1) {
      const id = kept.pop() as number;
      dropped.push({ id, reason: violation, touched });
      touched = clustersOf(kept, owner);
      violation = violationOf(kept, touched, owner, rules, rank);
    }

    const survivor = touched.reduce<Cluster | undefined>(
      (a, c) => (a === undefined || c.seq < a.seq ? c : a),
      undefined,
    );
    if (kept.length === 0) {
      recordDrops(link, dropped);
      continue;
    }
    const target = survivor ?? newCluster(kept[0] as number, link.observedAt);
    const rule = link.eventId.startsWith(MANUAL_REVIEW_EVENT_PREFIX)
      ? 'manual_review'
      : `hard:${[...new Set(kept.map((id) => rank(id).type))].join('+')}`;
    for (const cluster of touched) {
      if (cluster === target) continue;
      for (const id of cluster.members) join(target, id);
      live.delete(cluster);
      merges.push({ fromCreatorId: cluster.creatorId, intoCreatorId: target.creatorId, linkId: link.id, rule });
    }
    for (const id of kept) if (!owner.has(id)) join(target, id);

    recordDrops(link, dropped, target);
  }

  // An identifier no link mentions (its links were erased) stands alone.
  for (const identifier of identifiers) {
    if (!owner.has(identifier.id)) join(newCluster(identifier.id, identifier.firstSeenAt), identifier.id);
  }

  const creatorOf = new Map<number, number>();
  for (const [id, cluster] of owner) creatorOf.set(id, cluster.creatorId);
  const clusters = [...live].map((c) => ({
    creatorId: c.creatorId,
    memberIds: [...c.members],
    firstSeenAt: c.firstSeenAt,
  }));
  return { clusters, creatorOf, merges, conflicts };
}

function clustersOf(ids: readonly number[], owner: ReadonlyMap<number, Cluster>): Cluster[] {
  const found = new Set<Cluster>();
  for (const id of ids) {
    const cluster = owner.get(id);
    if (cluster) found.add(cluster);
  }
  return [...found];
}

/** Why applying `kept` would break a rule, or `undefined` when it may be applied. */
function violationOf(
  kept: readonly number[],
  touched: readonly Cluster[],
  owner: ReadonlyMap<number, Cluster>,
  rules: IdentityRules,
  rank: (id: number) => StitchIdentifier,
): string | undefined {
  const fresh = kept.filter((id) => !owner.has(id));
  if (touched.length <= 1 && fresh.length === 0) return undefined;

  const counts = new Map<IdentifierType, number>();
  for (const cluster of touched) {
    for (const [type, n] of cluster.counts) counts.set(type, (counts.get(type) ?? 0) + n);
  }
  for (const id of fresh) {
    const type = rank(id).type;
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  for (const type of rules.priority) {
    const total = counts.get(type) ?? 0;
    const already = Math.max(0, ...touched.map((c) => c.counts.get(type) ?? 0));
    // A limit lowered after the fact does not freeze a person that already exceeds it.
    if (total > rules.limits[type] && total > already) return `limit:${type}`;
  }
  if (gluesIdentifiedPersons(kept, touched, rules, rank)) return 'identified';
  if (touched.length > 1) {
    const survivor = touched.reduce((a, c) => (c.seq < a.seq ? c : a));
    const moved = touched.reduce((n, c) => n + c.members.size, 0) - survivor.members.size;
    if (moved > rules.mergeCap) return 'merge_cap';
  }
  return undefined;
}

/**
 * Whether the link would join two identified persons (each holding a login or an address) where at
 * least one of them is reached only through a cookie, device or click id: a shared computer seen
 * with two people's logins, not evidence that they are one.
 */
function gluesIdentifiedPersons(
  kept: readonly number[],
  touched: readonly Cluster[],
  rules: IdentityRules,
  rank: (id: number) => StitchIdentifier,
): boolean {
  const identified = touched.filter((c) => rules.identifying.some((type) => (c.counts.get(type) ?? 0) > 0));
  if (identified.length < 2) return false;
  return identified.some(
    (cluster) => !kept.some((id) => cluster.members.has(id) && rules.identifying.includes(rank(id).type)),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
