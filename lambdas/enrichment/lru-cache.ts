/**
 * A bounded cache that keeps recently used entries, in the "two generations" form (as hashlru and
 * quick-lru do): new entries go to the current generation; when it holds `maxEntries`, it becomes
 * the previous one and the older generation is dropped whole; a hit in the previous generation is
 * copied forward. Hits cost one or two `Map` lookups and no re-insertion, which is what a hot
 * enrichment path needs; at most `2 × maxEntries` entries are held, and an entry used within the
 * last `maxEntries` insertions is always kept. No TTL, no size accounting: enrichment caches pure
 * function results.
 *
 * @example
 * const cache = new LruCache<string, number>(2);
 * cache.set('a', 1); cache.set('b', 2); cache.get('a'); cache.set('c', 3);
 * cache.get('b'); // undefined: 'b' was the least recently used
 */
export class LruCache<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  /** Distinct entries held (counts both generations; not for hot paths). */
  get size(): number {
    let older = 0;
    for (const key of this.previous.keys()) if (!this.current.has(key)) older++;
    return this.current.size + older;
  }

  get(key: K): V | undefined {
    const value = this.current.get(key);
    if (value !== undefined) return value;
    const old = this.previous.get(key);
    if (old === undefined) return undefined;
    this.remember(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (this.current.has(key)) this.current.set(key, value);
    else this.remember(key, value);
  }

  private remember(key: K, value: V): void {
    this.current.set(key, value);
    if (this.current.size >= this.maxEntries) {
      this.previous = this.current;
      this.current = new Map();
    }
  }
}
