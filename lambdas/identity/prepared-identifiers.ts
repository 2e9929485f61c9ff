import { blindIndex } from './crypto/blind-index';
import { normalizeIdentifier } from './identifier-normalization';
import { type IdentifierInput, type IdentifierType, isPiiIdentifierType } from './identifier-types';
import { type IdentityRules, priorityOf } from './identity-rules';
import { identifierLockKey } from './person-id';

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
 * Normalizes, screens and keys an observation's identifiers, highest priority first, without
 * duplicates. PII leaves here only as a blind index (plus the plaintext kept for sealing).
 *
 * @example
 * const { accepted } = prepareIdentifiers(siteId, observation.identifiers, keys.indexKey, rules);
 */
export function prepareIdentifiers(
  siteId: string,
  inputs: readonly IdentifierInput[],
  indexKey: Uint8Array,
  rules: IdentityRules,
): { accepted: PreparedIdentifier[]; refused: RefusedIdentifier[] } {
  const accepted = new Map<string, PreparedIdentifier>();
  const refused: RefusedIdentifier[] = [];
  for (const input of inputs) {
    const normalized = normalizeIdentifier(input);
    if (!normalized.ok) {
      refused.push({ type: normalized.type, reason: normalized.reason });
      continue;
    }
    const { type } = normalized;
    const pii = isPiiIdentifierType(type);
    const value = pii ? blindIndex(indexKey, type, normalized.value) : normalized.value;
    const prepared: PreparedIdentifier = {
      type,
      value,
      ...(pii ? { plaintext: normalized.value } : {}),
      lockKey: identifierLockKey(siteId, type, value),
    };
    accepted.set(`${type}\u0000${value}`, prepared);
  }
  const ordered = [...accepted.values()].sort(
    (a, b) =>
      priorityOf(rules, a.type) - priorityOf(rules, b.type) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
  );
  return { accepted: ordered, refused };
}
