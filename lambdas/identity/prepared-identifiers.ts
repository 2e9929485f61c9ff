import { blindIndex } from './crypto/blind-index';
import { normalizeIdentifier } from './identifier-normalization';
import { type IdentifierInput, type IdentifierType, isPiiIdentifierType } from './identifier-types';
import { type IdentityRules, priorityOf } from './identity-rules';
import { identifierLockKey } from './person-id';
import type { PhoneRegion } from './phone-numbers';

/** An identifier ready for the database: what is stored, what locks it, and (PII only) what to encrypt. */
export interface PreparedIdentifier {
  readonly type: IdentifierType;
  /** Plaintext for pseudonymous ids, the blind index for PII. */
  readonly value: string;
  /** The normalized plaintext of a PII identifier, to be sealed; `undefined` for pseudonymous ids. */
  readonly plaintext?: string;
  readonly lockKey: string;
}

export interface RefusedIdentifier {
  readonly type: IdentifierType;
  readonly reason: string;
}

/**
 * What `prepareIdentifiers` made of each identifier as sent, for one organization's index key: most
 * observations of a batch repeat a returning visitor's identifiers, so each is normalized, blind-indexed
 * and hashed into its lock key once per batch. Keep it no longer than the batch (it holds PII as sent).
 */
export type PreparedIdentifierMemo = Map<string, PreparedIdentifier | RefusedIdentifier>;

export interface PrepareOptions {
  /** The site's default phone region, as the observation carries it (`normalizeIdentifier`). */
  readonly phoneRegion?: PhoneRegion | undefined;
  readonly memo?: PreparedIdentifierMemo;
}

/**
 * Normalizes, screens and keys an observation's identifiers, highest priority first, without
 * duplicates. PII leaves here only as a blind index (plus the plaintext kept for sealing).
 *
 * @example
 * const { accepted } = prepareIdentifiers(siteId, observation.identifiers, keys.indexKey, rules, {
 *   phoneRegion: observation.phoneRegion,
 * });
 */
export function prepareIdentifiers(
  siteId: string,
  inputs: readonly IdentifierInput[],
  indexKey: Uint8Array,
  rules: IdentityRules,
  options: PrepareOptions = {},
): { accepted: PreparedIdentifier[]; refused: RefusedIdentifier[] } {
  const { memo, phoneRegion } = options;
  const accepted = new Map<string, PreparedIdentifier>();
  const refused: RefusedIdentifier[] = [];
  for (const input of inputs) {
    // Only a phone depends on the region: other identifiers stay shared between observations with and without one.
    const region = input.type === 'phone' ? (phoneRegion ?? '') : '';
    const key = `${siteId}\u0001${region}\u0001${input.type}\u0000${input.value}`;
    let prepared = memo?.get(key);
    if (!prepared) {
      prepared = prepareOne(siteId, input, indexKey, phoneRegion);
      memo?.set(key, prepared);
    }
    if ('reason' in prepared) refused.push(prepared);
    else accepted.set(`${prepared.type}\u0000${prepared.value}`, prepared);
  }
  const ordered = [...accepted.values()].sort(
    (a, b) =>
      priorityOf(rules, a.type) - priorityOf(rules, b.type) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
  );
  return { accepted: ordered, refused };
}

function prepareOne(
  siteId: string,
  input: IdentifierInput,
  indexKey: Uint8Array,
  phoneRegion: PhoneRegion | undefined,
): PreparedIdentifier | RefusedIdentifier {
  const normalized = normalizeIdentifier(input, { phoneRegion });
  if (!normalized.ok) return { type: normalized.type, reason: normalized.reason };
  const { type } = normalized;
  const pii = isPiiIdentifierType(type);
  const value = pii ? blindIndex(indexKey, type, normalized.value) : normalized.value;
  return {
    type,
    value,
    ...(pii ? { plaintext: normalized.value } : {}),
    lockKey: identifierLockKey(siteId, type, value),
  };
}
