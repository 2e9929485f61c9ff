import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { withOrganization } from '../db/tenant';
import type { Sql } from '../ports/sql';
import { blindIndex } from './crypto/blind-index';
import type { Scope } from './identifier-rows';

export type SoftSignalKind = 'ip_user_agent' | 'email_variant';

/** Weak evidence that two persons may be one, as a keyed hash: the IP, user agent or e-mail never stored. */
export interface SoftSignal {
  readonly kind: SoftSignalKind;
  readonly digest: string;
}

export interface SoftLinkOptions {
  /** How close in time two sightings of one IP and user agent must be. @default 30 minutes */
  readonly windowMs?: number;
  /** A signal shared by more persons than this (an office NAT, a kiosk) links nobody. @default 5 */
  readonly maxSharers?: number;
}

export const SOFT_SIGNAL_SCORES: Readonly<Record<SoftSignalKind, number>> = {
  // Dots and +tags in an address are ignored by the mailbox provider: the same inbox, another spelling.
  email_variant: 0.85,
  // Same network and browser build within minutes: a household or a second tab as much as one person.
  ip_user_agent: 0.35,
};

/**
 * The soft signals of one observation: its IP and user agent together, and the canonical inbox of
 * each e-mail (`first.last+news@gmail.com` and `firstlast@googlemail.com` are one inbox).
 *
 * @example
 * softSignalsOf(keys.indexKey, { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 …', emails: ['ada@example.com'] });
 */
export function softSignalsOf(
  indexKey: Uint8Array,
  input: { readonly ip?: string; readonly userAgent?: string; readonly emails: readonly string[] },
  /** Digests already computed with `indexKey` (a batch repeats its visitors' signals); kept no longer than a batch. */
  memo?: Map<string, string>,
): SoftSignal[] {
  const digestOf = (kind: SoftSignalKind, value: string) => {
    const key = `${kind}\u0000${value}`;
    let digest = memo?.get(key);
    if (digest === undefined) {
      digest = blindIndex(indexKey, kind, value);
      memo?.set(key, digest);
    }
    return digest;
  };
  const signals: SoftSignal[] = [];
  if (input.ip && input.userAgent) {
    signals.push({ kind: 'ip_user_agent', digest: digestOf('ip_user_agent', `${input.ip}\n${input.userAgent}`) });
  }
  for (const email of input.emails) {
    signals.push({ kind: 'email_variant', digest: digestOf('email_variant', canonicalInbox(email)) });
  }
  return signals;
}

/**
 * The window-long slot a sighting is kept in (the epoch for a signal without a window): a row's
 * sightings are then never further apart than the window, so its range overlapping another sighting's
 * window means one of its sightings is within it, whatever order they were recorded in.
 */
export function windowStart(at: number, windowed: boolean, windowMs: number): string {
  return new Date(windowed ? Math.floor(at / windowMs) * windowMs : 0).toISOString();
}

/** The inbox an address delivers to: `+tag` dropped; for Gmail, dots dropped and googlemail.com folded. */
export function canonicalInbox(email: string): string {
  const at = email.lastIndexOf('@');
  let local = email.slice(0, at).toLowerCase();
  let domain = email.slice(at + 1).toLowerCase();
  local = local.split('+')[0] ?? local;
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (domain === 'gmail.com') local = local.replaceAll('.', '');
  return `${local}@${domain}`;
}

/**
 * Records a person's soft signals and proposes a soft link to each other current person sharing one
 * (for IP and user agent, within the time window). Soft links are only listed for review; nothing
 * is merged. Returns how many links were proposed or reinforced.
 */
export async function recordSoftSignals(
  db: Kysely<Database>,
  scope: Scope,
  personId: string,
  observedAt: Date,
  signals: readonly SoftSignal[],
  options: SoftLinkOptions = {},
): Promise<number> {
  const windowMs = options.windowMs ?? 30 * 60_000;
  const maxSharers = options.maxSharers ?? 5;
  let proposed = 0;
  for (const signal of signals) {
    const windowed = signal.kind === 'ip_user_agent';
    // One round trip: record this person's sighting, and find who else showed the same signal.
    const { rows: others } = await raw<{ person_id: string }>`
      with own as (
        insert into soft_signals (organization_id, site_id, kind, digest, person_id, window_start, first_seen_at,
          last_seen_at)
        values (${scope.organizationId}::uuid, ${scope.siteId}::uuid, ${signal.kind}::text, ${signal.digest}::text,
          ${personId}::uuid, ${windowStart(observedAt.getTime(), windowed, windowMs)}::timestamptz,
          ${observedAt}::timestamptz, ${observedAt}::timestamptz)
        on conflict (site_id, kind, digest, person_id, window_start) do update set
          first_seen_at = least(soft_signals.first_seen_at, excluded.first_seen_at),
          last_seen_at = greatest(soft_signals.last_seen_at, excluded.last_seen_at)
      )
      select distinct coalesce(p.merged_into, p.id) as person_id
      from soft_signals s join persons p on p.id = s.person_id
      where s.site_id = ${scope.siteId}::uuid and s.kind = ${signal.kind}::text and s.digest = ${signal.digest}::text
        and p.erased_at is null and coalesce(p.merged_into, p.id) <> ${personId}::uuid
        and (not ${windowed}::boolean or (s.last_seen_at >= ${new Date(observedAt.getTime() - windowMs)}::timestamptz
          and s.first_seen_at <= ${new Date(observedAt.getTime() + windowMs)}::timestamptz))
      limit ${maxSharers + 1}`.execute(db);
    if (others.length > 0 && others.length <= maxSharers) {
      const pairs = others.map((o) => (o.person_id < personId ? [o.person_id, personId] : [personId, o.person_id]));
      const evidence = JSON.stringify({
        signal: signal.kind,
        ...(windowed ? { windowMinutes: windowMs / 60_000 } : {}),
      });
      await raw`
        insert into soft_links (organization_id, site_id, person_a, person_b, rule, score, evidence)
        select ${scope.organizationId}::uuid, ${scope.siteId}::uuid, x.a, x.b, ${signal.kind}::text,
          ${SOFT_SIGNAL_SCORES[signal.kind]}::real, ${evidence}::jsonb
        from jsonb_to_recordset(${JSON.stringify(pairs.map(([a, b]) => ({ a, b })))}::jsonb) as x(a uuid, b uuid)
        order by x.a, x.b
        on conflict (site_id, person_a, person_b, rule) do update set updated_at = now()`.execute(db);
      proposed += pairs.length;
    }
  }
  return proposed;
}

export interface SoftLinkView {
  readonly id: number;
  readonly siteId: string;
  /** The two persons as they are now (after merges). */
  readonly personA: string;
  readonly personB: string;
  readonly rule: string;
  readonly score: number;
  readonly evidence: Record<string, unknown>;
  readonly status: 'open' | 'accepted' | 'rejected';
  readonly createdAt: string;
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

/**
 * Soft links waiting for review, best first, between persons that are still distinct and not erased
 * (or the decided ones, with another status, whichever persons they join now); an open link whose persons are now those of a rejected link is left out,
 * whatever merges happened since the rejection. Reviewed with `reviewSoftLink`.
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
      rule: string;
      score: number;
      evidence: Record<string, unknown>;
      status: 'open' | 'accepted' | 'rejected';
      created_at: Date;
    }>`
      select l.id, l.site_id, least(l.current_a, l.current_b) as person_a, greatest(l.current_a, l.current_b) as person_b,
        l.rule, l.score, l.evidence, l.status, l.created_at
      from (
        select l.*, coalesce(a.merged_into, a.id) as current_a, coalesce(b.merged_into, b.id) as current_b
        from soft_links l join persons a on a.id = l.person_a join persons b on b.id = l.person_b
        where l.status = ${query.status ?? 'open'}::text
          and (${query.siteId ?? null}::uuid is null or l.site_id = ${query.siteId ?? null}::uuid)
          and a.erased_at is null and b.erased_at is null
          ${ofPerson}
      ) l
      -- An open link between persons merged since has nothing left to review; a decided one stays
      -- listed with its status (an accepted one always joins one person).
      where (l.status <> 'open' or l.current_a <> l.current_b)
        -- A pair a reviewer rejected is not proposed again, by this signal or another, even when the
        -- persons it joined were merged into others since: the pair is compared as the persons are now.
        and (l.status <> 'open' or not exists (
          select 1 from soft_links r join persons ra on ra.id = r.person_a join persons rb on rb.id = r.person_b
          where r.site_id = l.site_id and r.status = 'rejected'
            and least(coalesce(ra.merged_into, ra.id), coalesce(rb.merged_into, rb.id)) = least(l.current_a, l.current_b)
            and greatest(coalesce(ra.merged_into, ra.id), coalesce(rb.merged_into, rb.id))
              = greatest(l.current_a, l.current_b)))
      order by l.score desc, l.created_at, l.id
      limit ${limit + 1} offset ${offset}`.execute(trx);
    return rows;
  });
  return {
    links: rows.slice(0, limit).map((r) => ({
      id: Number(r.id),
      siteId: r.site_id,
      personA: r.person_a,
      personB: r.person_b,
      rule: r.rule,
      score: Math.round(r.score * 100) / 100,
      evidence: r.evidence,
      status: r.status,
      createdAt: new Date(r.created_at).toISOString(),
    })),
    hasMore: rows.length > limit,
  };
}
