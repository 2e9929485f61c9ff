/** One request's worth of items, with each item's index in the caller's array. */
export interface Batch<T> {
  readonly items: T[];
  readonly indexes: number[];
}

/**
 * Splits `items` in order into batches of at most `maxCount` items and `maxBytes` bytes (as `sizeOf`
 * measures them). An item larger than `maxBytes` gets a batch of its own, so the service can reject it alone.
 */
export function toBatches<T>(
  items: readonly T[],
  limits: { readonly maxCount: number; readonly maxBytes: number },
  sizeOf: (item: T) => number,
): Batch<T>[] {
  const batches: Batch<T>[] = [];
  let current: Batch<T> = { items: [], indexes: [] };
  let bytes = 0;
  items.forEach((item, index) => {
    const size = sizeOf(item);
    const full = current.items.length === limits.maxCount || bytes + size > limits.maxBytes;
    if (current.items.length > 0 && full) {
      batches.push(current);
      current = { items: [], indexes: [] };
      bytes = 0;
    }
    current.items.push(item);
    current.indexes.push(index);
    bytes += size;
  });
  if (current.items.length > 0) batches.push(current);
  return batches;
}
