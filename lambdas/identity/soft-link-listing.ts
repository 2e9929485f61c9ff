import { sql as raw } from 'kysely';
import { withOrganization } from '../db/tenant';
import type { Sql } from '../ports/sql';
import { SOFT_SIGNAL_REPEAT_DECAY, SOFT_SIGNAL_SCORES, type SoftSignalKind } from './soft-links';

/** What one kind of signal saw of a pair: never the IP, user agent or e-mail, only when and how often. */
export interface SoftLinkEvidence {
  readonly kind: SoftSignalKind;
  /** The window-long slots the two were seen together in (1 for an e-mail variant, which has none). */
  readonly windows: number;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}

export interface SoftLinkView {
  /** The id to review the pair by. */
  readonly id: number;
  readonly siteId: string;
  /** The two persons as they are now (after merges). */
  readonly personA: string;
  readonly personB: string;
  /** The pair's evidence combined (README "Soft links"): above 0, always below 1. */
  readonly score: number;
  /** One entry per kind of signal, strongest first. */
  readonly evidence: readonly SoftLinkEvidence[];
  readonly status: 'open' | 'accepted' | 'rejected';
  readonly createdAt: string;
  /** Who accepted or rejected it (null for links decided before this was recorded, and open ones). */
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
}

export interface SoftLinkQuery {
  readonly organizationId: string;
  readonly siteId?: string;
  readonly status?: 'open' | 'accepted' | 'rejected';
  /** Only links of this person (or of a person merged into them), as they are now. */
  readonly personId?: string;
  /** @default 100, at most 1,000 */
  readonly limit?: number;
  /** @default 0 */
  readonly offset?: number;
}

/** No soft link is certain: a score is shown at most this high. */
const MAX_SCORE = 0.99;

/**
 * Soft links waiting for review, best first: one per pair of persons that are still distinct and not
 * erased, with the evidence of every link stored between them (under their own ids or those of persons
 * merged into them since), scored together. An open pair whose persons are now those of a rejected
 * link is left out, whatever merges happened since the rejection. The decided ones (another status)
 * are listed one per decision, whichever persons they join now. Reviewed with `reviewSoftLink`.
 *
 * The score is a noisy-OR over the pair's evidence: each kind's weight (`SOFT_SIGNAL_SCORES`) for its
 * first window, times `SOFT_SIGNAL_REPEAT_DECAY` for each further one,
 * `1 − Π (1 − weight × decay^(n−1))`, at most 0.99.
 *
 * @example
 * const { links, hasMore } = await listSoftLinks(sql, { organizationId, siteId, personId, limit: 25 });
 */
export async function listSoftLinks(
  sql: Sql,
  query: SoftLinkQuery,
): Promise<{ links: SoftLinkView[]; hasMore: boolean }> {
  const limit = Math.min(query.limit ?? 100, 1_000);
  const offset = query.offset ?? 0;
  const rows = await withOrganization(sql, query.organizationId, async (trx) => {
    // A person's links are found by the ids they were stored under: the person's own and those of
    // everyone merged into them (one hop: a merged person always points at the current one).
    const ofPerson =
      query.personId === undefined
        ? raw``
        : raw`and l.id in (
            with current as (select coalesce(merged_into, id) as id from persons where id = ${query.personId}::uuid),
              aliases as (select id from current union select p.id from persons p join current c on p.merged_into = c.id)
            select s.id from soft_links s where s.person_a in (select id from aliases)
            union select s.id from soft_links s where s.person_b in (select id from aliases))`;
    const { rows } = await raw<{
      id: number;
      site_id: string;
      person_a: string;
      person_b: string;
      score: number;
      evidence: { kind: SoftSignalKind; windows: number; first: string; last: string }[] | null;
      status: 'open' | 'accepted' | 'rejected';
      created_at: Date;
      decided_by: string | null;
      decided_at: Date | null;
    }>`
      with stored as (
        select l.id, l.site_id, l.status, l.created_at, l.decided_by, l.decided_at,
          least(coalesce(a.merged_into, a.id), coalesce(b.merged_into, b.id)) as person_a,
          greatest(coalesce(a.merged_into, a.id), coalesce(b.merged_into, b.id)) as person_b
        from soft_links l join persons a on a.id = l.person_a join persons b on b.id = l.person_b
        where l.status = ${query.status ?? 'open'}::text
          and (${query.siteId ?? null}::uuid is null or l.site_id = ${query.siteId ?? null}::uuid)
          and a.erased_at is null and b.erased_at is null
          ${ofPerson}
      ), listed as (
        -- Open links are one entry per pair of current persons (reviewed by the lowest id); a decided
        -- link is an entry of its own.
        select l.*, min(l.id) over (partition by l.site_id, l.person_a, l.person_b,
            case when l.status = 'open' then 0 else l.id end) as entry
        from stored l
        -- An open link between persons merged since has nothing left to review; a decided one stays
        -- listed with its status (an accepted one always joins one person).
        where (l.status <> 'open' or l.person_a <> l.person_b)
          -- A pair a reviewer rejected is not proposed again, by this signal or another, even when the
          -- persons it joined were merged into others since: the pair is compared as the persons are now.
          and (l.status <> 'open' or not exists (
            select 1 from soft_links r join persons ra on ra.id = r.person_a join persons rb on rb.id = r.person_b
            where r.site_id = l.site_id and r.status = 'rejected'
              and least(coalesce(ra.merged_into, ra.id), coalesce(rb.merged_into, rb.id)) = l.person_a
              and greatest(coalesce(ra.merged_into, ra.id), coalesce(rb.merged_into, rb.id)) = l.person_b))
      ), entries as (
        select entry, site_id, person_a, person_b, status, min(created_at) as created_at,
          min(decided_by) as decided_by, min(decided_at) as decided_at
        from listed group by entry, site_id, person_a, person_b, status
      ), windows as (
        select l.entry, e.kind, e.window_start, min(e.first_seen_at) as first, max(e.last_seen_at) as last
        from listed l join soft_link_evidence e on e.link_id = l.id
        group by l.entry, e.kind, e.window_start
      ), kinds as (
        -- The n-th window of a kind weighs weight × decay^(n−1); ln(1 − w) summed is the log of the
        -- chance that none of them means one person.
        select entry, kind, count(*) as windows, min(first) as first, max(last) as last,
          sum(ln(1 - (${JSON.stringify(SOFT_SIGNAL_SCORES)}::jsonb ->> kind)::float8
            * power(${SOFT_SIGNAL_REPEAT_DECAY}::float8, n - 1))) as log_miss
        from (select w.*, row_number() over (partition by entry, kind order by window_start) as n from windows w) w
        group by entry, kind
      ), scored as (
        select entry, least(1 - exp(sum(log_miss)), ${MAX_SCORE}::float8) as score,
          jsonb_agg(jsonb_build_object('kind', kind, 'windows', windows, 'first', first, 'last', last)
            order by log_miss, kind) as evidence
        from kinds group by entry
      )
      select x.entry as id, x.site_id, x.person_a, x.person_b, coalesce(s.score, 0) as score, s.evidence, x.status,
        x.created_at, x.decided_by, x.decided_at
      from entries x left join scored s on s.entry = x.entry
      order by coalesce(s.score, 0) desc, x.created_at, x.entry
      limit ${limit + 1} offset ${offset}`.execute(trx);
    return rows;
  });
  return {
    links: rows.slice(0, limit).map((r) => ({
      id: Number(r.id),
      siteId: r.site_id,
      personA: r.person_a,
      personB: r.person_b,
      score: Math.round(Number(r.score) * 100) / 100,
      evidence: (r.evidence ?? []).map((e) => ({
        kind: e.kind,
        windows: Number(e.windows),
        firstSeenAt: new Date(e.first).toISOString(),
        lastSeenAt: new Date(e.last).toISOString(),
      })),
      status: r.status,
      createdAt: new Date(r.created_at).toISOString(),
      decidedBy: r.decided_by,
      decidedAt: r.decided_at === null ? null : new Date(r.decided_at).toISOString(),
    })),
    hasMore: rows.length > limit,
  };
}
