import { createHmac } from 'node:crypto';
import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { recordset, uuidList } from './sql-values';

/**
 * How long an erasure remembers its identifiers: longer than anything can wait in the identity
 * queue (4 days) or its dead-letter queue (14 days) before it is resolved.
 */
export const ERASURE_MEMORY_DAYS = 30;

/** An identifier as stored: plaintext for pseudonymous types, the blind index for PII. */
export interface StoredIdentifier {
  readonly type: string;
  readonly value: string;
}

/** An observation about to be resolved, as far as erasures are concerned. */
export interface ObservationIdentifiers {
  readonly siteId: string;
  readonly observedAt: number;
  /** When the collector received it (server clock); `observedAt` when unknown. */
  readonly receivedAt?: number | undefined;
  readonly accepted: readonly StoredIdentifier[];
}

/**
 * When an observation entered the system, by the server's clock: a client clock running behind must
 * not make an event received after an erasure count as from before it.
 */
function arrivedAt(observation: ObservationIdentifiers): number {
  return observation.receivedAt ?? observation.observedAt;
}

/**
 * The keyed digest an erasure keeps of an identifier: HMAC-SHA256 under the organization's index key
 * (as blind indexes are), so the table names no one without the key.
 */
export function erasureDigest(indexKey: Uint8Array, siteId: string, identifier: StoredIdentifier): string {
  return createHmac('sha256', indexKey)
    .update('sightline/erased\u0000')
    .update(siteId)
    .update('\u0000')
    .update(identifier.type)
    .update('\u0000')
    .update(identifier.value)
    .digest('hex');
}

/**
 * Remembers the identifiers of a person being erased, with the time of the erasure (the
 * transaction's), so that events from before it resolved later are dropped (`erasedObservations`).
 * An identifier erased again keeps the later time.
 */
export async function rememberErasure(
  db: Kysely<Database>,
  indexKey: Uint8Array,
  scope: { readonly organizationId: string; readonly siteId: string },
  identifiers: readonly StoredIdentifier[],
): Promise<void> {
  if (identifiers.length === 0) return;
  const digests = [...new Set(identifiers.map((i) => erasureDigest(indexKey, scope.siteId, i)))].map((digest) => ({
    digest,
  }));
  await raw`insert into erased_identifiers (organization_id, site_id, digest, erased_at)
    select ${scope.organizationId}::uuid, ${scope.siteId}::uuid, x.digest, now()
    from ${recordset(digests, 'digest text')} as x
    on conflict (site_id, digest) do update set erased_at = excluded.erased_at`.execute(db);
}

/**
 * Which of `observations` an erasure has overtaken: received by the collector before the erasure of
 * one of their identifiers. Resolving one would bring the erased person's data back under a new person, so it is
 * dropped (an event the queue delivers again, or one still waiting when the erasure ran). Events
 * received after the erasure are a new visit, whatever the client's clock said and resolve as usual. Read under the observations'
 * identifier locks, which an erasure also takes, so an erasure is either seen here or comes after.
 * One indexed read; digests are computed only when the sites have an erasure that recent.
 */
export async function erasedObservations<T extends ObservationIdentifiers>(
  db: Kysely<Database>,
  indexKey: Uint8Array,
  observations: readonly T[],
): Promise<Set<T>> {
  const dropped = new Set<T>();
  const relevant = observations.filter((o) => o.accepted.length > 0);
  if (relevant.length === 0) return dropped;
  const earliest = Math.min(...relevant.map(arrivedAt));
  const sites = [...new Set(relevant.map((o) => o.siteId))];
  const { rows } = await raw<{ site_id: string; digest: string; erased_at: Date | string }>`
    select site_id, digest, erased_at from erased_identifiers
    where site_id in ${uuidList(sites)} and erased_at > ${new Date(earliest).toISOString()}::timestamptz`.execute(db);
  if (rows.length === 0) return dropped;
  const erasedAt = new Map(rows.map((r) => [`${r.site_id}|${r.digest}`, new Date(r.erased_at).getTime()]));
  for (const observation of relevant) {
    const overtaken = observation.accepted.some((identifier) => {
      const at = erasedAt.get(`${observation.siteId}|${erasureDigest(indexKey, observation.siteId, identifier)}`);
      return at !== undefined && arrivedAt(observation) < at;
    });
    if (overtaken) dropped.add(observation);
  }
  return dropped;
}

/**
 * Forgets erasures older than `ERASURE_MEMORY_DAYS`, every organization's (daily maintenance, as the
 * system role): nothing that old can still be waiting to be resolved.
 */
export async function forgetOldErasures(db: Kysely<Database>, now: Date): Promise<number> {
  const before = new Date(now.getTime() - ERASURE_MEMORY_DAYS * 86_400_000);
  const result = await db.deleteFrom('erased_identifiers').where('erased_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
