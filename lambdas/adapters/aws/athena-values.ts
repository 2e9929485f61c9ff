import { ValidationError } from '../../core/errors';
import type { AnalyticsParam } from '../../ports/analytics';

/**
 * A `?` parameter as the SQL literal Athena's ExecutionParameters expect: strings quoted with `'`
 * doubled, numbers as written (a double in E notation), booleans as TRUE/FALSE, null as NULL.
 */
export function toAthenaLiteral(value: AnalyticsParam, index: number): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new ValidationError('query parameters must be finite numbers', `params[${index}]`);
    return String(value).toUpperCase();
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * An Athena result cell (always text, `undefined` for NULL) as a JavaScript value, by the column's type:
 * numbers for integer and floating types (a bigint beyond 2^53 stays a string rather than lose digits),
 * booleans, `Date` for timestamps (UTC), parsed JSON for `json`. Dates stay `YYYY-MM-DD` strings: a day
 * is not an instant. Arrays, maps and rows come back in Athena's own text form; cast them to JSON in
 * the query to get structured values.
 */
export function fromAthenaValue(text: string | undefined, type: string): unknown {
  if (text === undefined) return null;
  const base = type.toLowerCase().replace(/\(.*$/, '').trim();
  switch (base) {
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
      return Number(text);
    case 'bigint': {
      const value = Number(text);
      return Number.isSafeInteger(value) ? value : text;
    }
    case 'double':
    case 'float':
    case 'real':
    case 'decimal':
      return Number(text);
    case 'boolean':
      return text === 'true';
    case 'timestamp':
    case 'timestamp with time zone':
      return parseTimestamp(text);
    case 'json':
      return JSON.parse(text);
    default:
      return text;
  }
}

/** `2024-05-01 12:30:00.123` (UTC) or `... UTC`; any other zone is left as text. */
function parseTimestamp(text: string): Date | string {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)\d*(?: UTC)?$/.exec(text);
  if (!match) return text;
  const date = new Date(`${match[1]}T${match[2]}Z`);
  return Number.isNaN(date.getTime()) ? text : date;
}
