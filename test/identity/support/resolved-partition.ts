import { sql as raw } from 'kysely';
import type { OrganizationKeyring } from '../../../lambdas/identity/crypto/organization-keys';
import type { IdentifierType } from '../../../lambdas/identity/identifier-types';
import { DEFAULT_IDENTITY_RULES } from '../../../lambdas/identity/identity-rules';
import { prepareIdentifiers } from '../../../lambdas/identity/prepared-identifiers';
import type { Sql } from '../../../lambdas/ports/sql';
import { identifierKey } from './synthetic-visitors';

/**
 * Which person each identifier of `keys` (`type:plaintext`) resolved to, read from `identity_map`
 * (e-mails and phones found by their blind index under the organization's key).
 */
export async function resolvedPartition(
  sql: Sql,
  keyring: OrganizationKeyring,
  tenant: { organizationId: string; siteId: string },
  keys: Iterable<string>,
): Promise<Map<string, string>> {
  const { indexKey } = await keyring.keysFor(tenant.organizationId);
  const storedToKey = new Map<string, string>();
  for (const key of keys) {
    const split = key.indexOf(':');
    const type = key.slice(0, split) as IdentifierType;
    const value = key.slice(split + 1);
    const [prepared] = prepareIdentifiers(tenant.siteId, [{ type, value }], indexKey, DEFAULT_IDENTITY_RULES).accepted;
    if (prepared) storedToKey.set(identifierKey(prepared.type, prepared.value), key);
  }
  const { rows } = await raw<{ identifier_type: string; identifier_value: string; person_id: string }>`
    select identifier_type, identifier_value, person_id from identity_map where site_id = ${tenant.siteId}::uuid`.execute(
    sql.db,
  );
  const partition = new Map<string, string>();
  for (const row of rows) {
    const key = storedToKey.get(identifierKey(row.identifier_type, row.identifier_value));
    if (key) partition.set(key, row.person_id);
  }
  return partition;
}

/** A partition as sorted groups of sorted keys: two partitions are equal when these are. */
export function canonicalGroups(partition: ReadonlyMap<string, string>): string[][] {
  const groups = new Map<string, string[]>();
  for (const [key, group] of partition) groups.set(group, [...(groups.get(group) ?? []), key]);
  return [...groups.values()].map((g) => g.sort()).sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
}

/**
 * Pairwise accuracy, counted over pairs of identifiers (each identifier belongs, in truth, to the
 * real person who first showed it).
 *
 * Deterministic recall counts only the true pairs that the observed events connect
 * deterministically: two identifiers of one real person are such a pair when a chain of
 * observations joins them in which every observation shows identifiers of that person only. A
 * device on which the person never signed in nor left an address shares no identifier with the rest
 * of them: no deterministic system can join it, and overall recall counts it as missed.
 */
export interface MergeAccuracy {
  /** Of the pairs put in one person, the share that are one real person. */
  readonly precision: number;
  /** Of the pairs that are one real person, the share put in one person. */
  readonly recall: number;
  /** Of the true pairs that single-person observations connect, the share put in one person. */
  readonly deterministicRecall: number;
  readonly predictedPairs: number;
  readonly truePairs: number;
  readonly deterministicPairs: number;
  readonly identifiers: number;
  readonly persons: number;
  readonly realPeople: number;
}

/** Pairwise precision and recall of a partition against ground truth, counted per identifier pair. */
export function mergeAccuracy(
  predicted: ReadonlyMap<string, string>,
  truth: ReadonlyMap<string, string>,
  evidence: ReadonlyMap<string, string>,
): MergeAccuracy {
  const keys = [...truth.keys()].filter((k) => predicted.has(k));
  const pairs = (groupOf: (key: string) => string) => {
    const sizes = new Map<string, number>();
    for (const key of keys) sizes.set(groupOf(key), (sizes.get(groupOf(key)) ?? 0) + 1);
    let n = 0;
    for (const size of sizes.values()) n += (size * (size - 1)) / 2;
    return n;
  };
  const p = (k: string) => predicted.get(k) as string;
  const t = (k: string) => truth.get(k) as string;
  const e = (k: string) => `${t(k)}|${evidence.get(k)}`;
  const predictedPairs = pairs(p);
  const truePairs = pairs(t);
  const deterministicPairs = pairs(e);
  const bothTrue = pairs((k) => `${p(k)}|${t(k)}`);
  const bothEvidenced = pairs((k) => `${p(k)}|${e(k)}`);
  return {
    precision: predictedPairs === 0 ? 1 : bothTrue / predictedPairs,
    recall: truePairs === 0 ? 1 : bothTrue / truePairs,
    deterministicRecall: deterministicPairs === 0 ? 1 : bothEvidenced / deterministicPairs,
    predictedPairs,
    truePairs,
    deterministicPairs,
    identifiers: keys.length,
    persons: new Set(keys.map(p)).size,
    realPeople: new Set(keys.map(t)).size,
  };
}
