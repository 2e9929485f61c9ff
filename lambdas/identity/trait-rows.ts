import { type Kysely, type RawBuilder, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { blindIndex } from './crypto/blind-index';
import { sealText } from './crypto/pii-cipher';
import type { Traits } from './observation';
import { isPiiTrait } from './pii-traits';
import { recordset } from './sql-values';

/** An identifier as stored: its site, type and value (the blind index for PII). */
export interface StoredIdentifier {
  readonly siteId: string;
  readonly type: string;
  readonly value: string;
}

export interface TraitContext {
  readonly organizationId: string;
  /** The person the observation resolved to: whose key seals PII traits. */
  readonly personId: string;
  /** The identifier that showed the traits (the observation's highest priority): they move with it. */
  readonly source: StoredIdentifier;
  readonly observedAt: Date;
  readonly indexKey: Uint8Array;
  /** The person's PII key, fetched (or created) only if a trait needs sealing. */
  readonly personKey: () => Promise<Uint8Array>;
}

/** Where a sealed trait is bound: its key's owner and its name, which move together on merges. */
export function traitAad(keyPersonId: string, key: string): string {
  return `trait:${keyPersonId}:${key}`;
}

// Per source identifier, `$set` keeps the latest sighting and `$set_once` the earliest, ties broken by
// digest: both are commutative, and a person's trait is the best over its identifiers' rows
// (`bestTraitsFirst`), so the traits a person ends with depend neither on the order observations
// arrive in nor on merges made and reversed on the way.
const KEEP_BETTER = raw`
  on conflict (source_identifier_id, key, mode) do update set value = excluded.value, value_cipher = excluded.value_cipher,
    key_person_id = excluded.key_person_id, digest = excluded.digest, observed_at = excluded.observed_at
  where (excluded.mode = 'set' and (excluded.observed_at, excluded.digest) > (person_traits.observed_at, person_traits.digest))
     or (excluded.mode = 'set_once' and (excluded.observed_at, excluded.digest) < (person_traits.observed_at, person_traits.digest))`;

/**
 * Applies an observation's `$set` and `$set_once` traits to its source identifier (and so to its
 * person); PII traits are sealed with the person's key.
 *
 * @example
 * await applyTraits(trx, context, { $set: { plan: 'pro' }, $set_once: { initial_utm_source: 'newsletter' } });
 */
export async function applyTraits(
  db: Kysely<Database>,
  context: TraitContext,
  traits: { readonly $set?: Traits; readonly $set_once?: Traits },
): Promise<void> {
  const write = await traitWrite(context.organizationId, context.indexKey, [{ ...context, traits }]);
  if (write) await raw`with ${write} select 1 as written`.execute(db);
}

/** The traits of one observation of a batch, for `traitWrite`. */
export type ObservedTraits = Omit<TraitContext, 'organizationId' | 'indexKey'> & {
  readonly traits: { readonly $set?: Traits; readonly $set_once?: Traits };
};

/**
 * The traits of many observations as one `traits as (...)` upsert, for `writeTogether`; none without
 * traits. Of several values for one identifier's trait, the batch keeps the one the table would keep;
 * each row goes to its source identifier's person as it is now.
 */
export async function traitWrite(
  organizationId: string,
  indexKey: Uint8Array,
  items: readonly ObservedTraits[],
): Promise<RawBuilder<unknown> | undefined> {
  const best = new Map<string, TraitRow>();
  for (const item of items) {
    for (const row of await traitRowsOf(indexKey, item, item.traits)) {
      const key = `${row.site_id}\u0000${row.type}\u0000${row.value_of}\u0000${row.key}\u0000${row.mode}`;
      const kept = best.get(key);
      if (!kept || isBetter(row, kept)) best.set(key, row);
    }
  }
  if (best.size === 0) return undefined;
  const rows = [...best.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  return raw`traits as (
    insert into person_traits (person_id, source_identifier_id, organization_id, key, mode, value, value_cipher,
      key_person_id, digest, observed_at)
    select i.person_id, i.id, ${organizationId}::uuid, x.key, x.mode,
      -- A JSON null comes out of the recordset as SQL NULL; keep it as the JSON value null.
      case when x.cipher is null then coalesce(x.value, 'null'::jsonb) end,
      decode(x.cipher, 'base64'), case when x.cipher is null then null else x.person_id end,
      x.digest, x.observed_at
    from ${recordset(
      rows,
      'person_id uuid, site_id uuid, type text, value_of text, key text, mode text, value jsonb, cipher text, digest text, observed_at timestamptz',
    )} as x
    join identifiers i on i.site_id = x.site_id and i.type = x.type and i.value = x.value_of
    ${KEEP_BETTER})`;
}

interface TraitRow {
  /** The person whose key sealed the value. */
  readonly person_id: string;
  readonly site_id: string;
  readonly type: string;
  /** The source identifier's stored value (`value` is the trait's). */
  readonly value_of: string;
  readonly key: string;
  readonly mode: 'set' | 'set_once';
  readonly value: unknown;
  readonly cipher: string | null;
  readonly digest: string;
  readonly observed_at: string;
}

async function traitRowsOf(
  indexKey: Uint8Array,
  context: Pick<TraitContext, 'personId' | 'source' | 'observedAt' | 'personKey'>,
  traits: { readonly $set?: Traits; readonly $set_once?: Traits },
): Promise<TraitRow[]> {
  const rows: TraitRow[] = [];
  const { source } = context;
  const base = {
    person_id: context.personId,
    site_id: source.siteId,
    type: source.type,
    value_of: source.value,
    observed_at: context.observedAt.toISOString(),
  };
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
 * `person_traits` ordered so that each person's best row of each key and mode comes first: with
 * `distinct on (person_id, key, mode)`, the person's effective traits.
 */
export const BEST_TRAITS_FIRST = raw`person_id, key, mode,
  case when mode = 'set' then observed_at end desc, case when mode = 'set' then digest end desc,
  case when mode = 'set_once' then observed_at end, case when mode = 'set_once' then digest end`;
