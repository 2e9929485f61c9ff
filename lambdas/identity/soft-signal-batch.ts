import { type Kysely, type RawBuilder, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { SOFT_SIGNAL_SCORES, type SoftLinkOptions, type SoftSignal, windowStart } from './soft-links';
import { epochMs, recordset, writeTogether } from './sql-values';

/** Rows of other persons' sightings read per signal at once; a signal with more is asked sighting by sighting. */
const SHARER_ROWS = 32;

interface Group {
  readonly g: number;
  readonly key: string;
  readonly windowed: boolean;
  readonly sharers: { personId: string; first: number; last: number }[];
  complete: boolean;
}

interface Question {
  readonly n: number;
  readonly group: Group;
  readonly site_id: string;
  readonly kind: string;
  readonly digest: string;
  readonly person_id: string;
  readonly at: number;
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
  const { rows: found } = await raw<{ g: number; person_id: string; first_seen_at: Date; last_seen_at: Date }>`
    select x.g, o.person_id, o.first_seen_at, o.last_seen_at
    from ${recordset(spans, 'g int, site_id uuid, kind text, digest text, person_id uuid, lo timestamptz, hi timestamptz, windowed boolean')}
      as x
    cross join lateral (
      select coalesce(p.merged_into, p.id) as person_id, s.first_seen_at, s.last_seen_at
      from soft_signals s join persons p on p.id = s.person_id
      where s.site_id = x.site_id and s.kind = x.kind and s.digest = x.digest
        and p.erased_at is null and coalesce(p.merged_into, p.id) <> x.person_id
        and (not x.windowed or (s.last_seen_at >= x.lo and s.first_seen_at <= x.hi))
      limit ${SHARER_ROWS + 1}
    ) o`.execute(db);
  for (const f of found) {
    const group = byIndex[f.g] as Group;
    group.sharers.push({ personId: f.person_id, first: epochMs(f.first_seen_at), last: epochMs(f.last_seen_at) });
    if (group.sharers.length > SHARER_ROWS) group.complete = false;
  }

  // A crowd's signal (more rows than read at once): asked sighting by sighting, as the database decides.
  const crowded = asked.filter((q) => !q.group.complete);
  const crowdSharers = new Map<number, string[]>();
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
    const { rows: others } = await raw<{ n: number; person_id: string }>`
      select x.n, o.person_id
      from ${recordset(questions, 'n int, site_id uuid, kind text, digest text, person_id uuid, lo timestamptz, hi timestamptz, windowed boolean')}
        as x
      cross join lateral (
        select distinct coalesce(p.merged_into, p.id) as person_id
        from soft_signals s join persons p on p.id = s.person_id
        where s.site_id = x.site_id and s.kind = x.kind and s.digest = x.digest
          and p.erased_at is null and coalesce(p.merged_into, p.id) <> x.person_id
          and (not x.windowed or (s.last_seen_at >= x.lo and s.first_seen_at <= x.hi))
        limit ${maxSharers + 1}
      ) o`.execute(db);
    for (const other of others) crowdSharers.set(other.n, [...(crowdSharers.get(other.n) ?? []), other.person_id]);
  }

  const sharersOf = new Map<number, string[]>(crowdSharers);
  for (const q of asked) {
    if (!q.group.complete) continue;
    const within = q.group.sharers.filter(
      (s) => !q.group.windowed || (s.last >= q.at - windowMs && s.first <= q.at + windowMs),
    );
    const persons = [...new Set(within.map((s) => s.personId))];
    if (persons.length > 0) sharersOf.set(q.n, persons);
  }
  const pairs = new Map<
    string,
    { site_id: string; a: string; b: string; rule: string; score: number; evidence: string }
  >();
  for (const [n, sharers] of sharersOf) {
    if (sharers.length > maxSharers) continue;
    const question = asked[n] as (typeof asked)[number];
    const evidence = JSON.stringify({
      signal: question.kind,
      ...(question.group.windowed ? { windowMinutes: windowMs / 60_000 } : {}),
    });
    for (const other of sharers) {
      const [a, b] = other < question.person_id ? [other, question.person_id] : [question.person_id, other];
      pairs.set(`${question.site_id}\u0000${a}\u0000${b}\u0000${question.kind}`, {
        site_id: question.site_id,
        a,
        b,
        rule: question.kind,
        score: SOFT_SIGNAL_SCORES[question.kind as SoftSignal['kind']],
        evidence,
      });
    }
  }
  if (pairs.size === 0) return 0;
  const proposed = [...pairs.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, p]) => p);
  await raw`
    insert into soft_links (organization_id, site_id, person_a, person_b, rule, score, evidence)
    select ${organizationId}::uuid, x.site_id, x.a, x.b, x.rule, x.score, x.evidence::jsonb
    from ${recordset(proposed, 'site_id uuid, a uuid, b uuid, rule text, score real, evidence text')} as x
    on conflict (site_id, person_a, person_b, rule) do update set updated_at = now()`.execute(db);
  return proposed.length;
}
