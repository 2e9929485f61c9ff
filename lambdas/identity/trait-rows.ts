import { type Kysely, type RawBuilder, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { blindIndex } from './crypto/blind-index';
import { sealText } from './crypto/pii-cipher';
import type { Traits } from './observation';
import { isPiiTrait } from './pii-traits';
import { recordset } from './sql-values';

export interface TraitContext {
  readonly organizationId: string;
  readonly personId: string;
  readonly observedAt: Date;
  readonly indexKey: Uint8Array;
  /** The person's PII key, fetched (or created) only if a trait needs sealing. */
  readonly personKey: () => Promise<Uint8Array>;
}

/** Where a sealed trait is bound: its key's owner and its name, which move together on merges. */
export function traitAad(keyPersonId: string, key: string): string {
  return `trait:${keyPersonId}:${key}`;
}

// `$set` keeps the latest sighting and `$set_once` the earliest, ties broken by digest: both are
// commutative, so the traits a person ends with do not depend on the order observations arrive in.
const KEEP_BETTER = raw`
  on conflict (person_id, key, mode) do update set value = excluded.value, value_cipher = excluded.value_cipher,
    key_person_id = excluded.key_person_id, digest = excluded.digest, observed_at = excluded.observed_at
  where (excluded.mode = 'set' and (excluded.observed_at, excluded.digest) > (person_traits.observed_at, person_traits.digest))
     or (excluded.mode = 'set_once' and (excluded.observed_at, excluded.digest) < (person_traits.observed_at, person_traits.digest))`;

/**
 * Applies an observation's `$set` and `$set_once` traits to a person; PII traits are sealed.
 *
 * @example
 * await applyTraits(trx, context, { $set: { plan: 'pro' }, $set_once: { initial_utm_source: 'newsletter' } });
 */
export async function applyTraits(
  db: Kysely<Database>,
  context: TraitContext,
  traits: { readonly $set?: Traits; readonly $set_once?: Traits },
): Promise<void> {
  await applyTraitsOfMany(db, context.organizationId, context.indexKey, [{ ...context, traits }]);
}

/** The traits of one observation of a batch, for `applyTraitsOfMany`. */
export type ObservedTraits = Omit<TraitContext, 'organizationId' | 'indexKey'> & {
  readonly traits: { readonly $set?: Traits; readonly $set_once?: Traits };
};

/**
 * `applyTraits` for many observations in one statement; of several values for one person's trait,
 * the batch keeps the one the table would keep (`$set` the latest, `$set_once` the earliest).
 */
export async function applyTraitsOfMany(
  db: Kysely<Database>,
  organizationId: string,
  indexKey: Uint8Array,
  items: readonly ObservedTraits[],
): Promise<void> {
  const write = await traitWrite(organizationId, indexKey, items);
  if (write) await raw`with ${write} select 1 as written`.execute(db);
}

/** The `applyTraitsOfMany` upsert as a `traits as (...)` fragment for `writeTogether`; none without traits. */
export async function traitWrite(
  organizationId: string,
  indexKey: Uint8Array,
  items: readonly ObservedTraits[],
): Promise<RawBuilder<unknown> | undefined> {
  const best = new Map<string, TraitRow>();
  for (const item of items) {
    for (const row of await traitRowsOf(indexKey, item, item.traits)) {
      const key = `${row.person_id}\u0000${row.key}\u0000${row.mode}`;
      const kept = best.get(key);
      if (!kept || isBetter(row, kept)) best.set(key, row);
    }
  }
  if (best.size === 0) return undefined;
  const rows = [...best.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  return raw`traits as (
    insert into person_traits (person_id, organization_id, key, mode, value, value_cipher, key_person_id, digest, observed_at)
    select x.person_id, ${organizationId}::uuid, x.key, x.mode,
      -- A JSON null comes out of the recordset as SQL NULL; keep it as the JSON value null.
      case when x.cipher is null then coalesce(x.value, 'null'::jsonb) end,
      decode(x.cipher, 'base64'), case when x.cipher is null then null else x.person_id end,
      x.digest, x.observed_at
    from ${recordset(rows, 'person_id uuid, key text, mode text, value jsonb, cipher text, digest text, observed_at timestamptz')}
      as x
    ${KEEP_BETTER})`;
}

interface TraitRow {
  readonly person_id: string;
  readonly key: string;
  readonly mode: 'set' | 'set_once';
  readonly value: unknown;
  readonly cipher: string | null;
  readonly digest: string;
  readonly observed_at: string;
}

async function traitRowsOf(
  indexKey: Uint8Array,
  context: Pick<TraitContext, 'personId' | 'observedAt' | 'personKey'>,
  traits: { readonly $set?: Traits; readonly $set_once?: Traits },
): Promise<TraitRow[]> {
  const rows: TraitRow[] = [];
  const base = { person_id: context.personId, observed_at: context.observedAt.toISOString() };
  for (const [mode, values] of [
    ['set', traits.$set],
    ['set_once', traits.$set_once],
  ] as const) {
    for (const [key, value] of Object.entries(values ?? {})) {
      const json = JSON.stringify(value);
      const digest = blindIndex(indexKey, 'trait', json);
      if (isPiiTrait(key, value)) {
        const cipher = sealText(await context.personKey(), json, traitAad(context.personId, key));
        rows.push({ ...base, key, mode, value: null, cipher: Buffer.from(cipher).toString('base64'), digest });
      } else {
        rows.push({ ...base, key, mode, value, cipher: null, digest });
      }
    }
  }
  return rows;
}

/** The `KEEP_BETTER` order, in memory. */
function isBetter(row: TraitRow, than: TraitRow): boolean {
  const a = new Date(row.observed_at).getTime();
  const b = new Date(than.observed_at).getTime();
  const later = a > b || (a === b && row.digest > than.digest);
  const earlier = a < b || (a === b && row.digest < than.digest);
  return row.mode === 'set' ? later : earlier;
}

/**
 * Moves merged persons' traits into the persons they were merged into, keeping the better of each, in
 * one statement (the rows deleted feed the insert: the persons merged into are never among those merged).
 */
export async function moveTraits(
  db: Kysely<Database>,
  moves: readonly { readonly from: string; readonly into: string }[],
): Promise<void> {
  const input = recordset(
    moves.map((m) => ({ from_id: m.from, into_id: m.into })),
    'from_id uuid, into_id uuid',
  );
  await raw`
    with moves as ${input},
    moved as (
      delete from person_traits t using moves m where t.person_id = m.from_id
      returning m.into_id, t.organization_id, t.key, t.mode, t.value, t.value_cipher, t.key_person_id, t.digest, t.observed_at
    )
    insert into person_traits (person_id, organization_id, key, mode, value, value_cipher, key_person_id, digest, observed_at)
    select distinct on (t.into_id, t.key, t.mode) t.into_id, t.organization_id, t.key, t.mode, t.value, t.value_cipher,
      t.key_person_id, t.digest, t.observed_at
    from moved t
    order by t.into_id, t.key, t.mode,
      case when t.mode = 'set' then -extract(epoch from t.observed_at) else extract(epoch from t.observed_at) end,
      case when t.mode = 'set' then t.digest end desc,
      case when t.mode = 'set_once' then t.digest end
    ${KEEP_BETTER}`.execute(db);
}
