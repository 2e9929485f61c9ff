import type { KeyValue } from '../ports/key-value';

/** How long an event id is remembered: Segment dedupes `messageId` over a similar window. */
export const DEDUPE_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Keeps the first delivery of each event id. Each id is claimed for the lake file the batch
 * writes; a retry of the same batch (same `fileId`) keeps its own claims, so a retried batch
 * rewrites its file whole instead of losing the events it claimed on the failed attempt.
 */
export async function claimFirstDeliveries<T>(
  keyValue: KeyValue,
  items: readonly T[],
  keyOf: (item: T) => string,
  fileId: string,
): Promise<T[]> {
  const seen = new Set<string>();
  const verdicts = await Promise.all(
    items.map(async (item) => {
      const key = `dedupe#${keyOf(item)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      if (await keyValue.put(key, fileId, { ifAbsent: true, ttlSeconds: DEDUPE_TTL_SECONDS })) return true;
      return (await keyValue.get(key)) === fileId;
    }),
  );
  return items.filter((_, i) => verdicts[i]);
}
