import { type Kysely, type RawBuilder, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { evidenceOf, type PairEvidence, proposeSoftLinks } from './soft-link-proposals';
import { type SoftLinkOptions, type SoftSignal, type SoftSignalKind, windowStart } from './soft-links';
import { epochMs, recordset, writeTogether } from './sql-values';

/** Rows of other persons' sightings read per signal at once; a signal with more is asked sighting by sighting. */
const SHARER_ROWS = 32;

interface Group {
  readonly g: number;
  readonly key: string;
  readonly windowed: boolean;
  readonly sharers: Sharing[];
  complete: boolean;
}

/** Another person's sightings of a signal in one window-long slot. */
interface Sharing {
  readonly personId: string;
  readonly slot: string;
  readonly first: number;
  readonly last: number;
}

interface Question {
  readonly n: number;
  readonly group: Group;
  readonly site_id: string;
  readonly kind: string;
  readonly digest: string;
  readonly person_id: string;
  readonly at: number;
  readonly slot: string;
}

/** A person's soft signals as one observation showed them. */
export interface SightedSignals {
  readonly siteId: string;
  readonly personId: string;
  readonly observedAt: Date;
  readonly signals: readonly SoftSignal[];
}

/**
 * `recordSoftSignals` for a batch in three statements: every sighting recorded (one row per person
 * and signal, its time range widened), then who else shares each signal looked up, then the soft links
 * proposed. Nothing is merged. Returns how many links were proposed or reinforced. `alongside` are
 * other writes of the batch (`writeTogether` fragments) made in the same statement as the sightings.
 */
export async function recordSoftSignalsOfMany(
  db: Kysely<Database>,
  organizationId: string,
  sightings: readonly SightedSignals[],
  options: SoftLinkOptions = {},
  alongside: readonly RawBuilder<unknown>[] = [],
): Promise<number> {
  const windowMs = options.windowMs ?? 30 * 60_000;
  const maxSharers = options.maxSharers ?? 5;
  // One row per person, signal and window-long slot; the span each group asks over is kept apart.
  const own = new Map<
    string,
    { site_id: string; kind: string; digest: string; person_id: string; window_start: string; lo: number; hi: number }
  >();
  const span = new Map<
    string,
    { site_id: string; kind: string; digest: string; person_id: string; lo: number; hi: number }
  >();
  // Who else shows a signal is asked once per person and signal, over the span of its sightings in
  // the batch; each sighting then keeps the sharers within its own window (in memory).
  const asked: Question[] = [];
  const groups = new Map<string, Group>();
  for (const sighting of sightings) {
    const at = sighting.observedAt.getTime();
    for (const signal of sighting.signals) {
      const key = `${sighting.siteId}\u0000${signal.kind}\u0000${signal.digest}\u0000${sighting.personId}`;
      const slot = windowStart(at, signal.kind === 'ip_user_agent', windowMs);
      const row = own.get(`${key}\u0000${slot}`);
      own.set(`${key}\u0000${slot}`, {
        site_id: sighting.siteId,
        kind: signal.kind,
        digest: signal.digest,
        person_id: sighting.personId,
        window_start: slot,
        lo: Math.min(row?.lo ?? at, at),
        hi: Math.max(row?.hi ?? at, at),
      });
      const spanned = span.get(key);
      span.set(key, {
        site_id: sighting.siteId,
        kind: signal.kind,
        digest: signal.digest,
        person_id: sighting.personId,
        lo: Math.min(spanned?.lo ?? at, at),
        hi: Math.max(spanned?.hi ?? at, at),
      });
      let group = groups.get(key);
      if (!group) {
        group = { g: groups.size, key, windowed: signal.kind === 'ip_user_agent', sharers: [], complete: true };
        groups.set(key, group);
      }
      asked.push({
        n: asked.length,
        group,
        site_id: sighting.siteId,
        kind: signal.kind,
        digest: signal.digest,
        person_id: sighting.personId,
        at,
        slot,
      });
    }
  }
  if (own.size === 0) {
    await writeTogether(db, alongside);
    return 0;
  }

  const rows = [...own.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => ({ ...r, lo: new Date(r.lo).toISOString(), hi: new Date(r.hi).toISOString() }));
  const sighted = raw`sighted as (
    insert into soft_signals (organization_id, site_id, kind, digest, person_id, window_start, first_seen_at,
      last_seen_at)
    select ${organizationId}::uuid, x.site_id, x.kind, x.digest, x.person_id, x.window_start, x.lo, x.hi
    from ${recordset(rows, 'site_id uuid, kind text, digest text, person_id uuid, window_start timestamptz, lo timestamptz, hi timestamptz')}
      as x
    on conflict (site_id, kind, digest, person_id, window_start) do update set
      first_seen_at = least(soft_signals.first_seen_at, excluded.first_seen_at),
      last_seen_at = greatest(soft_signals.last_seen_at, excluded.last_seen_at))`;
  await writeTogether(db, [...alongside, sighted]);

  const spans = [...groups.values()].map((group) => {
    const r = span.get(group.key) as {
      site_id: string;
      kind: string;
      digest: string;
      person_id: string;
      lo: number;
      hi: number;
    };
    return {
      g: group.g,
      site_id: r.site_id,
      kind: r.kind,
      digest: r.digest,
      person_id: r.person_id,
      lo: new Date(r.lo - windowMs).toISOString(),
      hi: new Date(r.hi + windowMs).toISOString(),
      windowed: group.windowed,
    };
  });
  const byIndex = [...groups.values()];
  const { rows: found } = await raw<{
    g: number;
    person_id: string;
    window_start: Date;
    first_seen_at: Date;
    last_seen_at: Date;
  }>`
    select x.g, o.person_id, o.window_start, o.first_seen_at, o.last_seen_at
    from ${recordset(spans, 'g int, site_id uuid, kind text, digest text, person_id uuid, lo timestamptz, hi timestamptz, windowed boolean')}
      as x
    cross join lateral (
      select coalesce(p.merged_into, p.id) as person_id, s.window_start, s.first_seen_at, s.last_seen_at
      from soft_signals s join persons p on p.id = s.person_id
      where s.site_id = x.site_id and s.kind = x.kind and s.digest = x.digest
        and p.erased_at is null and coalesce(p.merged_into, p.id) <> x.person_id
        and (not x.windowed or (s.last_seen_at >= x.lo and s.first_seen_at <= x.hi))
      limit ${SHARER_ROWS + 1}
    ) o`.execute(db);
  for (const f of found) {
    const group = byIndex[f.g] as Group;
    group.sharers.push({
      personId: f.person_id,
      slot: new Date(epochMs(f.window_start)).toISOString(),
      first: epochMs(f.first_seen_at),
      last: epochMs(f.last_seen_at),
    });
    if (group.sharers.length > SHARER_ROWS) group.complete = false;
  }

  // A crowd's signal (more rows than read at once): asked sighting by sighting, as the database decides.
  const crowded = asked.filter((q) => !q.group.complete);
  const crowdSharers = new Map<number, Sharing[]>();
  if (crowded.length > 0) {
    const questions = crowded.map((q) => ({
      n: q.n,
      site_id: q.site_id,
      kind: q.kind,
      digest: q.digest,
      person_id: q.person_id,
      lo: new Date(q.at - windowMs).toISOString(),
      hi: new Date(q.at + windowMs).toISOString(),
      windowed: q.group.windowed,
    }));
    const { rows: others } = await raw<{
      n: number;
      person_id: string;
      sightings: { slot: string; first: string; last: string }[];
    }>`
      select x.n, o.person_id, o.sightings
      from ${recordset(questions, 'n int, site_id uuid, kind text, digest text, person_id uuid, lo timestamptz, hi timestamptz, windowed boolean')}
        as x
      cross join lateral (
        select coalesce(p.merged_into, p.id) as person_id,
          jsonb_agg(jsonb_build_object('slot', s.window_start, 'first', s.first_seen_at, 'last', s.last_seen_at))
            as sightings
        from soft_signals s join persons p on p.id = s.person_id
        where s.site_id = x.site_id and s.kind = x.kind and s.digest = x.digest
          and p.erased_at is null and coalesce(p.merged_into, p.id) <> x.person_id
          and (not x.windowed or (s.last_seen_at >= x.lo and s.first_seen_at <= x.hi))
        group by 1
        limit ${maxSharers + 1}
      ) o`.execute(db);
    for (const other of others) {
      const seen = other.sightings.map((s) => ({
        personId: other.person_id,
        slot: new Date(Date.parse(s.slot)).toISOString(),
        first: Date.parse(s.first),
        last: Date.parse(s.last),
      }));
      crowdSharers.set(other.n, [...(crowdSharers.get(other.n) ?? []), ...seen]);
    }
  }

  const sharersOf = new Map<number, Sharing[]>(crowdSharers);
  for (const q of asked) {
    if (!q.group.complete) continue;
    const within = q.group.sharers.filter(
      (s) => !q.group.windowed || (s.last >= q.at - windowMs && s.first <= q.at + windowMs),
    );
    if (within.length > 0) sharersOf.set(q.n, within);
  }
  const evidence: PairEvidence[] = [];
  for (const [n, sharings] of sharersOf) {
    if (new Set(sharings.map((s) => s.personId)).size > maxSharers) continue;
    const q = asked[n] as Question;
    for (const other of sharings) {
      evidence.push(
        evidenceOf(q.site_id, q.kind as SoftSignalKind, { personId: q.person_id, slot: q.slot, at: q.at }, other),
      );
    }
  }
  return proposeSoftLinks(db, organizationId, evidence);
}
