import { hash } from 'node:crypto';

/**
 * A person's id, derived from the identifier that started it: the same links give the same ids on
 * every worker and every replay. `generation` moves past a tombstone left by an erasure.
 *
 * @example
 * personIdFor(siteId, 'anonymous_id', 'a1b2c3'); // '6f1e…-…' (a UUIDv8)
 */
export function personIdFor(siteId: string, type: string, storedValue: string, generation = 0): string {
  const digest = hash(
    'sha256',
    `sightline-person\u0000${siteId}\u0000${type}\u0000${storedValue}\u0000${generation}`,
    'buffer',
  );
  const b = digest.subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x80;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Lock keys computed lately: a batch asks for each identifier's several times (its observations, its regions). */
const lockKeys = new Map<string, string>();
const LOCK_KEYS_KEPT = 50_000;

/**
 * The advisory lock key of an identifier (a signed 64-bit integer, as decimal text): every
 * transaction that changes what an identifier belongs to holds it. Remembered for the next calls
 * (the stored value is the blind index for PII, never the plaintext).
 */
export function identifierLockKey(siteId: string, type: string, storedValue: string): string {
  const input = `sightline-lock\u0000${siteId}\u0000${type}\u0000${storedValue}`;
  let key = lockKeys.get(input);
  if (key === undefined) {
    key = BigInt.asIntN(64, hash('sha256', input, 'buffer').readBigUInt64BE(0)).toString();
    if (lockKeys.size >= LOCK_KEYS_KEPT) lockKeys.clear();
    lockKeys.set(input, key);
  }
  return key;
}
