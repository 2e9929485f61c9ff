import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { type RegionRow, regionOf } from './identifier-rows';
import { identifierLockKey } from './person-id';
import { RegionContentionError } from './region-contention';
import { jsonb } from './sql-values';

/** Takes these advisory locks, waiting, in ascending order (see `identity_lock_keys`). */
export async function lockKeys(db: Kysely<Database>, keys: Iterable<string>): Promise<void> {
  await raw`select identity_lock_keys(${jsonb([...keys])}) as locked`.execute(db);
}

/**
 * The region of `seedIds` with every identifier in it locked by this transaction. Locks beyond
 * `held` are only tried, never waited for: on contention the transaction is abandoned with a
 * `RegionContentionError` so that its retry can take them all in order. `known` is a region read
 * while `held` was already held, which saves reading it again when it needs no more locks.
 */
export async function lockRegion(
  db: Kysely<Database>,
  siteId: string,
  seedIds: readonly number[],
  held: Set<string>,
  limit: number,
  known?: readonly RegionRow[],
): Promise<RegionRow[]> {
  let region = known ? [...known] : await regionOf(db, seedIds, limit);
  for (let round = 0; round < 8; round++) {
    const missing = [...new Set(region.map((r) => identifierLockKey(siteId, r.type, r.value)))].filter(
      (key) => !held.has(key),
    );
    // All locked, and read under those locks: nobody can link into the region without one of ours.
    if (missing.length === 0) return region;
    const { rows } = await raw<{ locked: boolean }>`select identity_try_lock_keys(${jsonb(missing)}) as locked`.execute(
      db,
    );
    if (!rows[0]?.locked) throw new RegionContentionError([...held, ...missing]);
    for (const key of missing) held.add(key);
    region = await regionOf(db, seedIds, limit);
  }
  throw new RegionContentionError([...held]);
}
