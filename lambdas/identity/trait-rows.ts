import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { blindIndex } from './crypto/blind-index';
import { sealText } from './crypto/pii-cipher';
import type { Traits } from './observation';
import { isPiiTrait } from './pii-traits';
import { jsonb } from './sql-values';

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
  const rows: Record<string, unknown>[] = [];
  for (const [mode, values] of [
    ['set', traits.$set],
    ['set_once', traits.$set_once],
  ] as const) {
    for (const [key, value] of Object.entries(values ?? {})) {
      const json = JSON.stringify(value);
      const digest = blindIndex(context.indexKey, 'trait', json);
      if (isPiiTrait(key, value)) {
        const cipher = sealText(await context.personKey(), json, traitAad(context.personId, key));
        rows.push({ key, mode, value: null, cipher: Buffer.from(cipher).toString('base64'), digest });
      } else {
        rows.push({ key, mode, value, cipher: null, digest });
      }
    }
  }
  if (rows.length === 0) return;
  await raw`
    insert into person_traits (person_id, organization_id, key, mode, value, value_cipher, key_person_id, digest, observed_at)
    select ${context.personId}::uuid, ${context.organizationId}::uuid, x.key, x.mode,
      -- A JSON null comes out of the recordset as SQL NULL; keep it as the JSON value null.
      case when x.cipher is null then coalesce(x.value, 'null'::jsonb) end,
      decode(x.cipher, 'base64'), case when x.cipher is null then null else ${context.personId}::uuid end,
      x.digest, ${context.observedAt}::timestamptz
    from jsonb_to_recordset(${jsonb(rows)}) as x(key text, mode text, value jsonb, cipher text, digest text)
    ${KEEP_BETTER}`.execute(db);
}

/** Moves merged persons' traits into the persons they were merged into, keeping the better of each. */
export async function moveTraits(
  db: Kysely<Database>,
  moves: readonly { readonly from: string; readonly into: string }[],
): Promise<void> {
  const input = jsonb(moves.map((m) => ({ from_id: m.from, into_id: m.into })));
  await raw`
    insert into person_traits (person_id, organization_id, key, mode, value, value_cipher, key_person_id, digest, observed_at)
    select distinct on (m.into_id, t.key, t.mode) m.into_id, t.organization_id, t.key, t.mode, t.value, t.value_cipher,
      t.key_person_id, t.digest, t.observed_at
    from person_traits t join jsonb_to_recordset(${input}) as m(from_id uuid, into_id uuid) on t.person_id = m.from_id
    order by m.into_id, t.key, t.mode,
      case when t.mode = 'set' then -extract(epoch from t.observed_at) else extract(epoch from t.observed_at) end,
      case when t.mode = 'set' then t.digest end desc,
      case when t.mode = 'set_once' then t.digest end
    ${KEEP_BETTER}`.execute(db);
  await raw`delete from person_traits
    where person_id in (select (x->>'from_id')::uuid from jsonb_array_elements(${input}) x)`.execute(db);
}
