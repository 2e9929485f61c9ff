import { createHash } from 'node:crypto';

/**
 * A person's id, derived from the identifier that started it: the same links give the same ids on
 * every worker and every replay. `generation` moves past a tombstone left by an erasure.
 *
 * @example
 * personIdFor(siteId, 'anonymous_id', 'a1b2c3'); // '6f1e…-…' (a UUIDv8)
 */
export function personIdFor(siteId: string, type: string, storedValue: string, generation = 0): string {
  const hash = createHash('sha256')
    .update(`sightline-person\u0000${siteId}\u0000${type}\u0000${storedValue}\u0000${generation}`)
    .digest();
  const b = hash.subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x80;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The advisory lock key of an identifier (a signed 64-bit integer, as decimal text): every
 * transaction that changes what an identifier belongs to holds it.
 */
export function identifierLockKey(siteId: string, type: string, storedValue: string): string {
  const hash = createHash('sha256').update(`sightline-lock\u0000${siteId}\u0000${type}\u0000${storedValue}`).digest();
  return BigInt.asIntN(64, hash.readBigUInt64BE(0)).toString();
}
