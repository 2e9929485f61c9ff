import type { SqlParameter } from '@aws-sdk/client-rds-data';
import { ValidationError } from '../../core/errors';

export interface NamedStatement {
  readonly sql: string;
  readonly parameters: SqlParameter[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Rewrites a PostgreSQL statement with positional parameters (`$1`, as Kysely compiles them) into the
 * Data API's named ones (`:p1`), with each value typed for the Data API (see `toSqlParameter`).
 * `$n` inside string literals, quoted identifiers, dollar-quoted bodies and comments is left alone.
 *
 * @example
 * toNamedStatement('select * from sites where id = $1', ['3f1c...'])
 * // { sql: 'select * from sites where id = :p1', parameters: [{ name: 'p1', value: { stringValue: '3f1c...' }, typeHint: 'UUID' }] }
 */
export function toNamedStatement(sql: string, values: readonly unknown[]): NamedStatement {
  return {
    sql: renamePlaceholders(sql),
    parameters: values.map((value, index) => toSqlParameter(`p${index + 1}`, value, index)),
  };
}

/**
 * One value as a Data API parameter. The Data API sends a string as `varchar`, which PostgreSQL will
 * not compare with or store into a `uuid` or `jsonb` column, so strings that are canonical UUIDs carry
 * the `UUID` hint and strings that are JSON objects or arrays (`JSON.stringify` output) the `JSON`
 * hint; the price is that such strings do not compare with `text` columns without a cast (`::text`),
 * so keep UUID-shaped values in `uuid` columns and cast where a function wants text. Integers go as
 * `longValue` and other numbers as `doubleValue`; a `Date` as a UTC timestamp string with the
 * `TIMESTAMP` hint; bytes as `blobValue`; other objects and arrays as JSON with the `JSON` hint (the
 * Data API takes no array parameters).
 */
export function toSqlParameter(name: string, value: unknown, index: number): SqlParameter {
  if (value === null || value === undefined) return { name, value: { isNull: true } };
  switch (typeof value) {
    case 'string':
      if (UUID.test(value)) return { name, value: { stringValue: value }, typeHint: 'UUID' };
      if (isJsonContainer(value)) return { name, value: { stringValue: value }, typeHint: 'JSON' };
      return { name, value: { stringValue: value } };
    case 'number':
      return Number.isSafeInteger(value)
        ? { name, value: { longValue: value } }
        : { name, value: { doubleValue: value } };
    case 'bigint':
      return value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER
        ? { name, value: { longValue: Number(value) } }
        : { name, value: { stringValue: value.toString() }, typeHint: 'DECIMAL' };
    case 'boolean':
      return { name, value: { booleanValue: value } };
    case 'object':
      if (value instanceof Date)
        return { name, value: { stringValue: toTimestamp(value, index) }, typeHint: 'TIMESTAMP' };
      if (value instanceof Uint8Array) return { name, value: { blobValue: value } };
      return { name, value: { stringValue: JSON.stringify(value) }, typeHint: 'JSON' };
    default:
      throw new ValidationError(`a SQL parameter cannot be a ${typeof value}`, `parameters[${index}]`);
  }
}

function isJsonContainer(text: string): boolean {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `YYYY-MM-DD HH:MM:SS.FFF` in UTC, the TIMESTAMP hint's format. */
function toTimestamp(date: Date, index: number): string {
  if (Number.isNaN(date.getTime()))
    throw new ValidationError('a SQL parameter is an invalid Date', `parameters[${index}]`);
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

function renamePlaceholders(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const end = skipQuotedOrComment(sql, i);
    if (end > i) {
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    const placeholder = /^\$(\d+)/.exec(sql.slice(i, i + 12));
    if (placeholder && !isIdentifierChar(sql[i - 1])) {
      out += `:p${placeholder[1]}`;
      i += placeholder[0].length;
      continue;
    }
    out += sql[i];
    i++;
  }
  return out;
}

/** The index just past the literal, quoted identifier or comment starting at `i`, or `i` if none does. */
function skipQuotedOrComment(sql: string, i: number): number {
  const char = sql[i];
  const next = sql[i + 1];
  if (char === "'") {
    const escapes = (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !isIdentifierChar(sql[i - 2]);
    return skipQuoted(sql, i, "'", escapes);
  }
  if (char === '"') return skipQuoted(sql, i, '"', false);
  if (char === '-' && next === '-') {
    const newline = sql.indexOf('\n', i);
    return newline === -1 ? sql.length : newline + 1;
  }
  if (char === '/' && next === '*') return skipBlockComment(sql, i);
  if (char === '$') {
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
    if (tag && !isIdentifierChar(sql[i - 1])) {
      const close = sql.indexOf(tag[0], i + tag[0].length);
      return close === -1 ? sql.length : close + tag[0].length;
    }
  }
  return i;
}

function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === '\\') {
      i += 2;
    } else if (sql[i] === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2; // a doubled quote stands for itself
    } else {
      i++;
    }
  }
  return sql.length;
}

/** Block comments nest in PostgreSQL. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}

function isIdentifierChar(char: string | undefined): boolean {
  return char !== undefined && /[A-Za-z0-9_$]/.test(char);
}
