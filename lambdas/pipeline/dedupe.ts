import type { KeyValue } from '../ports/key-value';

/** How long an event id is remembered: Segment dedupes `messageId` over a similar window. */
export const DEDUPE_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Keeps the first delivery of each event id. Each id is claimed for the stream record that carried
 * it (`claimantOf`, e.g. `<shard>:<sequence number>`), which stays the same however the record is
 * batched: a retry — of the same batch, a bisected half, or a batch that grew — keeps the events it
 * claimed on the failed attempt instead of losing them, while the same id in another record (a
 * client's resend) is dropped. A retry after a partial write may therefore write an event twice
 * (at least once), never zero times.
 */
export async function claimFirstDeliveries<T>(
  keyValue: KeyValue,
  items: readonly T[],
  keyOf: (item: T) => string,
  claimantOf: (item: T, index: number) => string,
): Promise<T[]> {
  const seen = new Set<string>();
  const verdicts = await Promise.all(
    items.map(async (item, index) => {
      const key = `dedupe#${keyOf(item)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      const claimant = claimantOf(item, index);
      if (await keyValue.put(key, claimant, { ifAbsent: true, ttlSeconds: DEDUPE_TTL_SECONDS })) return true;
      return (await keyValue.get(key)) === claimant;
    }),
  );
  return items.filter((_, i) => verdicts[i]);
}

/**
 * Forgets the claims of items that were not delivered after all (enrichment refused them and
 * filed them as failures), so that replaying such a failure is a first delivery again.
 */
export async function releaseClaims<T>(keyValue: KeyValue, items: readonly T[], keyOf: (item: T) => string) {
  await Promise.all(items.map((item) => keyValue.delete(`dedupe#${keyOf(item)}`)));
}
