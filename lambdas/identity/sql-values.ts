import { type Kysely, type RawBuilder, sql as raw } from 'kysely';

/**
 * Values sent to PostgreSQL as one JSON parameter and unpacked in SQL (`jsonb_to_recordset`,
 * `jsonb_array_elements_text`). Every engine here takes a JSON string, whereas array parameters are
 * refused by the RDS Data API and UUID-looking strings reach it typed as `uuid`.
 */
export function jsonb(value: unknown): RawBuilder<unknown> {
  return raw`${JSON.stringify(value)}::jsonb`;
}

/**
 * Rows sent as one JSON parameter of positional arrays and unpacked as a subquery with the named,
 * typed columns of `columns` (as in `jsonb_to_recordset(...) as x(site_id uuid, value text)`), to
 * use as `from ${recordset(rows, 'site_id uuid, value text')} as x`. A third of the server time of
 * `jsonb_to_recordset` over objects, and less to send: no key per value to serialize, parse and look
 * up. `jsonb` columns keep their JSON (a JSON null stays the JSON value null); `offset 0` keeps the
 * planner from inlining the casts into every place a column is used.
 *
 * @example
 * await raw`update persons p set creator_identifier_id = x.creator
 *   from ${recordset(rows, 'id uuid, creator bigint')} as x where p.id = x.id`.execute(trx);
 */
export function recordset<R extends object>(rows: readonly R[], columns: string): RawBuilder<unknown> {
  const spec = columnSpec(columns);
  const arrays = rows.map((row) => spec.names.map((name) => (row as Record<string, unknown>)[name] ?? null));
  return raw`(select ${spec.select} from jsonb_array_elements(${JSON.stringify(arrays)}::jsonb) as e offset 0)`;
}

const specs = new Map<string, { names: string[]; select: RawBuilder<unknown> }>();

function columnSpec(columns: string): { names: string[]; select: RawBuilder<unknown> } {
  let spec = specs.get(columns);
  if (!spec) {
    const parsed = columns.split(',').map((column) => {
      const [name, type] = column.trim().split(/\s+/);
      if (!name || !type || !/^[a-z_][a-z0-9_]*$/.test(name) || !/^[a-z]+(\[\])?$/.test(type)) {
        throw new Error(`recordset column "${column}" is not "name type"`);
      }
      return { name, type };
    });
    const select = parsed
      .map(({ name, type }, i) => (type === 'jsonb' ? `e->${i} as ${name}` : `(e->>${i})::${type} as ${name}`))
      .join(', ');
    spec = { names: parsed.map((c) => c.name), select: raw.raw(select) };
    specs.set(columns, spec);
  }
  return spec;
}

/**
 * Independent writes (`name as (insert ...)` fragments, each on its own table) in one statement: one
 * round trip instead of one each. They see the same snapshot, so none may rely on another's rows.
 */
export async function writeTogether<DB>(db: Kysely<DB>, writes: readonly RawBuilder<unknown>[]): Promise<void> {
  if (writes.length > 0) await raw`with ${raw.join(writes)} select 1 as written`.execute(db);
}

/**
 * `(select ...)` of the given UUIDs, for `in` lists. `offset 0` keeps the cast inside the subquery:
 * inlined, the join condition would be `person_id = value::uuid`, and a cast is not leakproof, so
 * under row-level security that condition could not use an index and every `in` read the whole
 * table (`test/identity/rows-read.test.ts`).
 */
export function uuidList(ids: readonly string[]): RawBuilder<unknown> {
  return raw`(select value::uuid from jsonb_array_elements_text(${jsonb(ids)}) offset 0)`;
}

/** `(select ...)` of the given bigint ids, for `in` lists (`offset 0`: see `uuidList`). */
export function bigintList(ids: readonly number[]): RawBuilder<unknown> {
  return raw`(select value::bigint from jsonb_array_elements_text(${jsonb(ids.map(String))}) offset 0)`;
}

/** A `bigint[]` of the given ids. */
export function bigintArray(ids: readonly number[]): RawBuilder<unknown> {
  return raw`(select coalesce(array_agg(value::bigint order by value::bigint), '{}') from jsonb_array_elements_text(${jsonb(ids.map(String))}))`;
}

/** A `uuid[]` of the given ids. */
export function uuidArray(ids: readonly string[]): RawBuilder<unknown> {
  return raw`(select coalesce(array_agg(value::uuid), '{}') from jsonb_array_elements_text(${jsonb(ids)}))`;
}

/** A `text[]` of the given strings, in their order. */
export function textArray(values: readonly string[]): RawBuilder<unknown> {
  return raw`(select coalesce(array_agg(value order by n), '{}') from jsonb_array_elements_text(${jsonb(values)}) with ordinality as e(value, n))`;
}

/**
 * `any(...)` of the given UUIDs, for `column = ${uuidAny(ids)}`: one array, so that each side of an
 * `or` is an index condition of its own (a bitmap `or` of two index scans), where `in` lists on both
 * sides of an `or` read the whole table.
 */
export function uuidAny(ids: readonly string[]): RawBuilder<unknown> {
  return raw`any(${uuidArray(ids)}::uuid[])`;
}

/** Bytes from any driver (`Buffer` from pg and the Data API, `Uint8Array` from PGlite). */
export function bytes(value: Uint8Array | null): Buffer | null {
  return value === null ? null : Buffer.from(value);
}

/** Timestamps from any driver as epoch milliseconds. */
export function epochMs(value: Date | string | number): number {
  return value instanceof Date ? value.getTime() : new Date(value).getTime();
}
