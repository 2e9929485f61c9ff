/**
 * Values as the two engines return them, made uniform: DuckDB gives numbers, bigints and Dates;
 * Athena gives every value as a string (`'12'`, `'2026-03-01 10:00:00.000'`).
 */

/** A count or measure; null and unparseable values count as 0. */
export function numberOf(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : 0;
  }
  return 0;
}

/** A measure that may be absent (an average over nothing): null stays null. */
export function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined || value === '' ? null : numberOf(value);
}

export function stringOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : String(value);
}

/**
 * A timestamp as ISO 8601 UTC. Lake timestamps carry no zone and are UTC.
 *
 * @example
 * isoTimestamp('2026-03-01 10:00:00.000'); // '2026-03-01T10:00:00.000Z'
 */
export function isoTimestamp(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'string' && value !== '') {
    const normalized = /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value.replace(' ', 'T')}Z`;
    const parsed = new Date(normalized);
    return Number.isNaN(parsed.getTime()) ? null : parsed.toISOString();
  }
  if (typeof value === 'number') return new Date(value).toISOString();
  return null;
}

/**
 * A lake timestamp parameter both engines read with `CAST(? AS timestamp)`.
 *
 * @example
 * timestampParam(Date.UTC(2026, 2, 1, 10)); // '2026-03-01 10:00:00.000'
 */
export function timestampParam(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
