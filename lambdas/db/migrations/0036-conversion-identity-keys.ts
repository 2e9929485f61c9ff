import { type Kysely, sql } from 'kysely';

/**
 * The ids a conversion names its visitor by, as identity stores them (zero-width characters removed,
 * trimmed; device ids lower-cased; Apple's IDFA arrives upper-cased), kept as generated columns with an index each.
 * Finding a person's conversions at an export or an erasure compared `btrim(...)` expressions:
 * `btrim` is not leakproof, so under row-level security PostgreSQL evaluated it only after the
 * policy, row by row, and read every conversion of the site. An equality on a column is leakproof
 * and uses the index.
 */
/** As `identifier-normalization.ts` stores a value: zero-width characters removed, then trimmed. */
const stored = (column: string) =>
  `btrim(translate(${column}, chr(8203) || chr(8204) || chr(8205) || chr(8288) || chr(65279), ''))`;

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
