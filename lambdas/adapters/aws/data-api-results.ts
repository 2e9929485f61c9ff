import type { ArrayValue, ColumnMetadata, Field } from '@aws-sdk/client-rds-data';

/**
 * Data API records as row objects keyed by column label, with values as the `pg` driver gives them:
 * `Date` for `timestamp`, `timestamptz` and `date` (the Data API writes them in UTC), parsed JSON for
 * `json`/`jsonb`, `Buffer` for `bytea`, numbers for integers, floats and `numeric` (asked for as numbers).
 */
export function toRows(records: readonly Field[][], columns: readonly ColumnMetadata[]): Record<string, unknown>[] {
  return records.map((record) =>
    Object.fromEntries(
      columns.map((column, i) => [
        column.label ?? column.name ?? `column${i + 1}`,
        fromField(record[i], column.typeName),
      ]),
    ),
  );
}

export function fromField(field: Field | undefined, typeName = ''): unknown {
  if (field === undefined || field.isNull) return null;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue);
  if (field.arrayValue !== undefined) return fromArray(field.arrayValue);
  if (field.stringValue !== undefined) return fromString(field.stringValue, typeName.toLowerCase());
  return null;
}

function fromString(text: string, typeName: string): unknown {
  switch (typeName) {
    case 'json':
    case 'jsonb':
      return JSON.parse(text);
    case 'timestamptz':
    case 'timestamp':
    case 'date':
      return parseUtcTimestamp(text);
    default:
      return text;
  }
}

/** `2024-05-01 12:30:00.123456` or `2024-05-01`, in UTC; anything else (`infinity`) stays text. */
function parseUtcTimestamp(text: string): Date | string {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)\d*)?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(
    text,
  );
  if (!match) return text;
  const zone = match[3] === undefined || match[3] === 'Z' ? 'Z' : normaliseOffset(match[3]);
  const date = new Date(`${match[1]}T${match[2] ?? '00:00:00'}${zone}`);
  return Number.isNaN(date.getTime()) ? text : date;
}

function normaliseOffset(offset: string): string {
  const digits = offset.slice(1).replace(':', '');
  return `${offset[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
}

function fromArray(array: ArrayValue | null): unknown[] | null {
  if (array === null) return null;
  if (array.arrayValues !== undefined) return array.arrayValues.map(fromArray);
  return array.stringValues ?? array.longValues ?? array.doubleValues ?? array.booleanValues ?? [];
}
