import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import type { SoftSignalKind } from './soft-links';
import { epochMs, recordset } from './sql-values';

/** One co-sighting of a signal by two persons: evidence for their soft link. */
export interface PairEvidence {
  readonly siteId: string;
  readonly personA: string;
  readonly personB: string;
  readonly kind: SoftSignalKind;
  /** The earlier of the two sightings' window-long slots (the epoch for e-mail variants). */
  readonly windowStart: string;
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
}

/** A sighting's evidence with one other person's sighting (its slot and time range). */
export function evidenceOf(
  siteId: string,
  kind: SoftSignalKind,
  own: { readonly personId: string; readonly slot: string; readonly at: number },
  other: { readonly personId: string; readonly slot: string; readonly first: number; readonly last: number },
): PairEvidence {
  const [personA, personB] =
    other.personId < own.personId ? [other.personId, own.personId] : [own.personId, other.personId];
  // The earlier slot of the two: the same whichever of the two sightings was resolved last.
  const windowStart = epochMs(other.slot) < epochMs(own.slot) ? other.slot : own.slot;
  return {
    siteId,
    personA,
    personB,
    kind,
    windowStart: new Date(epochMs(windowStart)).toISOString(),
    firstSeenAt: Math.min(own.at, other.first),
    lastSeenAt: Math.max(own.at, other.last),
  };
}

/**
 * Proposes (or reinforces) one soft link per pair of persons and records its evidence, in one
 * statement. A pair already decided keeps its decision and gathers the evidence all the same.
 * Returns how many pairs were proposed or reinforced.
 */
export async function proposeSoftLinks(
  db: Kysely<Database>,
  organizationId: string,
  evidence: readonly PairEvidence[],
): Promise<number> {
  // One row per pair, kind and slot (a statement may not update one row twice), in key order so that
  // concurrent workers lock the same rows in the same order.
  const rows = new Map<string, PairEvidence>();
  for (const e of evidence) {
    const key = `${e.siteId}\u0000${e.personA}\u0000${e.personB}\u0000${e.kind}\u0000${e.windowStart}`;
    const seen = rows.get(key);
    rows.set(key, {
      ...e,
      firstSeenAt: Math.min(seen?.firstSeenAt ?? e.firstSeenAt, e.firstSeenAt),
      lastSeenAt: Math.max(seen?.lastSeenAt ?? e.lastSeenAt, e.lastSeenAt),
    });
  }
  if (rows.size === 0) return 0;
  const sorted = [...rows.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([, e]) => ({
      site_id: e.siteId,
      a: e.personA,
      b: e.personB,
      kind: e.kind,
      window_start: e.windowStart,
      first_seen_at: new Date(e.firstSeenAt).toISOString(),
      last_seen_at: new Date(e.lastSeenAt).toISOString(),
    }));
  const { rows: pairs } = await raw<{ id: number }>`
    with x as materialized (
      select * from ${recordset(sorted, 'site_id uuid, a uuid, b uuid, kind text, window_start timestamptz, first_seen_at timestamptz, last_seen_at timestamptz')}
        as x
    ), links as (
      insert into soft_links (organization_id, site_id, person_a, person_b)
      select distinct ${organizationId}::uuid, x.site_id, x.a, x.b from x order by 2, 3, 4
      on conflict (site_id, person_a, person_b) do update set updated_at = now()
      returning id, site_id, person_a, person_b
    ), evidence as (
      insert into soft_link_evidence (organization_id, site_id, link_id, kind, window_start, first_seen_at, last_seen_at)
      select ${organizationId}::uuid, x.site_id, l.id, x.kind, x.window_start, x.first_seen_at, x.last_seen_at
      from x join links l on l.site_id = x.site_id and l.person_a = x.a and l.person_b = x.b
      order by l.id, x.kind, x.window_start
      on conflict (link_id, kind, window_start) do update set
        first_seen_at = least(soft_link_evidence.first_seen_at, excluded.first_seen_at),
        last_seen_at = greatest(soft_link_evidence.last_seen_at, excluded.last_seen_at)
    )
    select id from links`.execute(db);
  return pairs.length;
}
