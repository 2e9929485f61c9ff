/**
 * Small keyed records with optional expiry: idempotency records, quotas, rate limits.
 * DynamoDB in AWS, a file-backed map in `npm start`.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface PutOptions {
  /** The record disappears after this many seconds. */
  readonly ttlSeconds?: number;
  /** Only write when no live record exists under the key. */
  readonly ifAbsent?: boolean;
}

export interface KeyValue {
  get(key: string): Promise<JsonValue | undefined>;
  /** Returns false (and writes nothing) when `ifAbsent` is set and a live record exists. */
  put(key: string, value: JsonValue, options?: PutOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Atomically adds `by` to a numeric record (missing counts as 0) and returns the new value. */
  increment(key: string, by: number, options?: { ttlSeconds?: number }): Promise<number>;
}
