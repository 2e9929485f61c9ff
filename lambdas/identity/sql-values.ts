import { type RawBuilder, sql as raw } from 'kysely';

/**
 * Values sent to PostgreSQL as one JSON parameter and unpacked in SQL (`jsonb_to_recordset`,
 * `jsonb_array_elements_text`). Every engine here takes a JSON string, whereas array parameters are
 * refused by the RDS Data API and UUID-looking strings reach it typed as `uuid`.
 */
export function jsonb(value: unknown): RawBuilder<unknown> {
  return raw`${JSON.stringify(value)}::jsonb`;
}

/** `(select ...)` of the given UUIDs, for `in` lists. */
export function uuidList(ids: readonly string[]): RawBuilder<unknown> {
  return raw`(select value::uuid from jsonb_array_elements_text(${jsonb(ids)}))`;
}

/** `(select ...)` of the given bigint ids, for `in` lists. */
export function bigintList(ids: readonly number[]): RawBuilder<unknown> {
  return raw`(select value::bigint from jsonb_array_elements_text(${jsonb(ids.map(String))}))`;
}

/** A `bigint[]` of the given ids. */
export function bigintArray(ids: readonly number[]): RawBuilder<unknown> {
  return raw`(select coalesce(array_agg(value::bigint order by value::bigint), '{}') from jsonb_array_elements_text(${jsonb(ids.map(String))}))`;
}

/** Bytes from any driver (`Buffer` from pg and the Data API, `Uint8Array` from PGlite). */
export function bytes(value: Uint8Array | null): Buffer | null {
  return value === null ? null : Buffer.from(value);
}

/** Timestamps from any driver as epoch milliseconds. */
export function epochMs(value: Date | string | number): number {
  return value instanceof Date ? value.getTime() : new Date(value).getTime();
}
