import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { blindIndex } from './crypto/blind-index';
import type { Scope } from './identifier-rows';
import { evidenceOf, type PairEvidence, proposeSoftLinks } from './soft-link-proposals';

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

/**
 * The weight of one piece of evidence of each kind: the chance, on its own, that the two are one
 * person. A pair's score combines its evidence (`soft-link-listing.ts`, README "Soft links").
 */
export const SOFT_SIGNAL_SCORES: Readonly<Record<SoftSignalKind, number>> = {
  // Dots and +tags in an address are ignored by the mailbox provider: the same inbox, another spelling.
  email_variant: 0.85,
  // Same network and browser build within minutes: a household or a second tab as much as one person.
  ip_user_agent: 0.35,
};

/**
 * Each further window a pair is seen together in weighs this much less than the one before: a
 * household shares a network and browser build day after day too, so repeats add ever less
 * (IP and user agent alone stay below 0.56, however many windows; with an inbox, below 0.94).
 */
export const SOFT_SIGNAL_REPEAT_DECAY = 0.5;

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

/**
 * The inbox an address delivers to: `+tag` dropped; for Gmail, dots dropped and googlemail.com folded.
 * A local part that starts with `+` is kept whole: dropping its "tag" would leave every such address
 * at a domain one inbox (`@example.com`).
 */
export function canonicalInbox(email: string): string {
  const at = email.lastIndexOf('@');
  let local = email.slice(0, at).toLowerCase();
  let domain = email.slice(at + 1).toLowerCase();
  const untagged = local.split('+')[0] ?? '';
  if (untagged !== '') local = untagged;
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
  const at = observedAt.getTime();
  const evidence: PairEvidence[] = [];
  for (const signal of signals) {
    const windowed = signal.kind === 'ip_user_agent';
    const slot = windowStart(at, windowed, windowMs);
    // One round trip: record this person's sighting, and find who else showed the same signal, each
    // with their sightings (one row per slot) within the window.
    const { rows: others } = await raw<{
      person_id: string;
      sightings: { slot: string; first: string; last: string }[];
    }>`
      with own as (
        insert into soft_signals (organization_id, site_id, kind, digest, person_id, window_start, first_seen_at,
          last_seen_at)
        values (${scope.organizationId}::uuid, ${scope.siteId}::uuid, ${signal.kind}::text, ${signal.digest}::text,
          ${personId}::uuid, ${slot}::timestamptz, ${observedAt}::timestamptz, ${observedAt}::timestamptz)
        on conflict (site_id, kind, digest, person_id, window_start) do update set
          first_seen_at = least(soft_signals.first_seen_at, excluded.first_seen_at),
          last_seen_at = greatest(soft_signals.last_seen_at, excluded.last_seen_at)
      )
      select coalesce(p.merged_into, p.id) as person_id,
        jsonb_agg(jsonb_build_object('slot', s.window_start, 'first', s.first_seen_at, 'last', s.last_seen_at))
          as sightings
      from soft_signals s join persons p on p.id = s.person_id
      where s.site_id = ${scope.siteId}::uuid and s.kind = ${signal.kind}::text and s.digest = ${signal.digest}::text
        and p.erased_at is null and coalesce(p.merged_into, p.id) <> ${personId}::uuid
        and (not ${windowed}::boolean or (s.last_seen_at >= ${new Date(at - windowMs)}::timestamptz
          and s.first_seen_at <= ${new Date(at + windowMs)}::timestamptz))
      group by 1
      limit ${maxSharers + 1}`.execute(db);
    if (others.length > maxSharers) continue;
    for (const other of others) {
      for (const seen of other.sightings) {
        evidence.push(
          evidenceOf(
            scope.siteId,
            signal.kind,
            { personId, slot, at },
            { personId: other.person_id, slot: seen.slot, first: Date.parse(seen.first), last: Date.parse(seen.last) },
          ),
        );
      }
    }
  }
  return proposeSoftLinks(db, scope.organizationId, evidence);
}
