import { type Kysely, sql } from 'kysely';

/**
 * The ids a conversion names its visitor by, as identity stores them (zero-width characters removed,
 * trimmed; device ids lower-cased; Apple's IDFA arrives upper-cased), kept as generated columns with an index each.
 * Finding a person's conversions at an export or an erasure compared `btrim(...)` expressions:
 * `btrim` is not leakproof, so under row-level security PostgreSQL evaluated it only after the
 * policy, row by row, and read every conversion of the site. An equality on a column is leakproof
 * and uses the index.
 */
/** Zero-width space, (non-)joiner, word joiner, BOM: identity removes them first. */
const ZERO_WIDTH = [0x200b, 0x200c, 0x200d, 0x2060, 0xfeff];
/**
 * What JavaScript's `trim` removes (ECMAScript's white space and line terminators), which identity
 * trims with: `btrim(x)` alone removes spaces only, so an id sent with a no-break or ideographic space
 * would keep it here and not match.
 */
const JS_WHITE_SPACE = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
];
const chars = (codes: readonly number[]) => codes.map((code) => `chr(${code})`).join(' || ');

/** As `identifier-normalization.ts` stores a value: zero-width characters removed, then trimmed as JavaScript trims. */
const stored = (column: string) => `btrim(translate(${column}, ${chars(ZERO_WIDTH)}, ''), ${chars(JS_WHITE_SPACE)})`;

const KEYS = [
  ['anonymous_id', stored('anonymous_id')],
  ['user_id', stored('user_id')],
  ['idfa', `lower(${stored('idfa')})`],
  ['gaid', `lower(${stored('gaid')})`],
  ['idfv', `lower(${stored('idfv')})`],
  ['device_id', `lower(${stored('device_id')})`],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [column, expression] of KEYS) {
    await sql`alter table conversions add column ${sql.raw(`${column}_key`)} text
      generated always as (${sql.raw(expression)}) stored`.execute(db);
    await sql`create index ${sql.raw(`conversions_${column}_key_idx`)}
      on conversions (site_id, ${sql.raw(`${column}_key`)}) where ${sql.raw(`${column}_key`)} is not null`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [column] of KEYS) {
    await sql`alter table conversions drop column if exists ${sql.raw(`${column}_key`)}`.execute(db);
  }
}
