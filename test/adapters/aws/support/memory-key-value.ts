import type { JsonValue, KeyValue } from '../../../../lambdas/ports/key-value';

/** A `KeyValue` in a Map, for adapters that keep state in one (no TTL: tests here need none). */
export function memoryKeyValue(
  initial: Record<string, JsonValue> = {},
): KeyValue & { entries: Map<string, JsonValue> } {
  const entries = new Map(Object.entries(initial));
  return {
    entries,
    async get(key) {
      return entries.get(key);
    },
    async put(key, value, options) {
      if (options?.ifAbsent && entries.has(key)) return false;
      entries.set(key, value);
      return true;
    },
    async delete(key) {
      entries.delete(key);
    },
    async increment(key, by) {
      const next = Number(entries.get(key) ?? 0) + by;
      entries.set(key, next);
      return next;
    },
  };
}
