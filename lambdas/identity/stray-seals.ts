import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { personKeys } from './crypto/person-keys';
import { openText, sealText } from './crypto/pii-cipher';
import { identifierAad } from './identifier-aad';
import type { RegionRow } from './identifier-rows';
import type { PersonRow } from './person-rows';
import { bigintList, recordset } from './sql-values';
import { traitAad } from './trait-rows';

/** What a region's re-stitching decided: each identifier's person, and where each person now leads. */
export interface RegionOutcome {
  readonly region: readonly RegionRow[];
  readonly persons: readonly PersonRow[];
  /** Identifier id → its person after re-stitching. */
  readonly personOf: ReadonlyMap<number, string>;
}

/**
 * Whether re-stitching may have left a sealed value with a person that does not hold its key: only
 * when an identifier went to another person than its own person's — a late event re-assigned it, or
 * a merge was undone or re-pointed elsewhere (which moves the merged person's creator away from the
 * person it was merged into). A merge alone never does: the merged person's key stays one of the
 * survivor's, and erasing the survivor shreds it.
 */
export function mayStraySeals({ region, persons, personOf }: RegionOutcome): boolean {
  const targetOf = targetsOf(persons, personOf);
  return region.some((r) => r.person_id !== null && targetOf.get(r.person_id) !== personOf.get(r.id));
}

/**
 * Seals again, with the key of the person now holding them, the region's PII identifiers and PII
 * traits whose key belongs to a person that no longer leads to theirs. Erasure shreds the keys of a
 * person and of those merged into it: a value sealed under someone else's key would be shredded by
 * that someone's erasure and survive its own person's. Returns how many values were sealed again.
 * (A value whose old key is already shredded cannot be opened, and is left as it is.)
 */
export async function resealStraySeals(
  db: Kysely<Database>,
  encryptionKey: Uint8Array,
  scope: { readonly organizationId: string; readonly siteId: string },
  outcome: RegionOutcome,
): Promise<number> {
  const ids = outcome.region.map((r) => r.id);
  if (ids.length === 0) return 0;
  const targetOf = targetsOf(outcome.persons, outcome.personOf);
  const stray = (owner: string | null, identifierId: number) =>
    owner === null || targetOf.get(owner) !== outcome.personOf.get(identifierId);

  const { rows: identifiers } = await raw<{
    id: number;
    type: string;
    value: string;
    value_cipher: Uint8Array;
    key_person_id: string | null;
  }>`
    select id, type, value, value_cipher, key_person_id from identifiers
    where id in ${bigintList(ids)} and value_cipher is not null`.execute(db);
  const { rows: traits } = await raw<{
    source_identifier_id: number;
    key: string;
    mode: string;
    value_cipher: Uint8Array;
    key_person_id: string | null;
  }>`
    select source_identifier_id, key, mode, value_cipher, key_person_id from person_traits
    where source_identifier_id in ${bigintList(ids)} and value_cipher is not null`.execute(db);
  const strayIdentifiers = identifiers.filter((r) => stray(r.key_person_id, Number(r.id)));
  const strayTraits = traits.filter((r) => stray(r.key_person_id, Number(r.source_identifier_id)));
  if (strayIdentifiers.length + strayTraits.length === 0) return 0;

  const holderOf = (identifierId: number) => outcome.personOf.get(identifierId) as string;
  const owners = [...strayIdentifiers, ...strayTraits].flatMap((r) => (r.key_person_id ? [r.key_person_id] : []));
  const oldKeys = await personKeys(db, encryptionKey, scope.organizationId, owners, { create: false });
  const newKeys = await personKeys(
    db,
    encryptionKey,
    scope.organizationId,
    [
      ...strayIdentifiers.map((r) => holderOf(Number(r.id))),
      ...strayTraits.map((r) => holderOf(Number(r.source_identifier_id))),
    ],
    { create: true },
  );
  const reopen = (owner: string | null, cipher: Uint8Array, aad: string): string | undefined => {
    const key = owner ? oldKeys.get(owner) : undefined;
    if (!key) return undefined;
    try {
      return openText(key, cipher, aad);
    } catch {
      return undefined;
    }
  };
  const base64 = (sealed: Uint8Array) => Buffer.from(sealed).toString('base64');

  const identifierRows = strayIdentifiers.flatMap((r) => {
    const aad = identifierAad(scope.siteId, r.type, r.value);
    const plaintext = reopen(r.key_person_id, r.value_cipher, aad);
    const holder = holderOf(Number(r.id));
    if (plaintext === undefined) return [];
    return [
      {
        id: Number(r.id),
        person_id: holder,
        cipher: base64(sealText(newKeys.get(holder) as Uint8Array, plaintext, aad)),
      },
    ];
  });
  const traitRows = strayTraits.flatMap((r) => {
    const plaintext = reopen(r.key_person_id, r.value_cipher, traitAad(r.key_person_id ?? '', r.key));
    const holder = holderOf(Number(r.source_identifier_id));
    if (plaintext === undefined) return [];
    const cipher = base64(sealText(newKeys.get(holder) as Uint8Array, plaintext, traitAad(holder, r.key)));
    return [
      { source_identifier_id: Number(r.source_identifier_id), key: r.key, mode: r.mode, person_id: holder, cipher },
    ];
  });
  const writes = [];
  if (identifierRows.length > 0) {
    writes.push(raw`sealed_identifiers as (
      update identifiers i set value_cipher = decode(x.cipher, 'base64'), key_person_id = x.person_id
      from ${recordset(identifierRows, 'id bigint, person_id uuid, cipher text')} as x where i.id = x.id)`);
  }
  if (traitRows.length > 0) {
    writes.push(raw`sealed_traits as (
      update person_traits t set value_cipher = decode(x.cipher, 'base64'), key_person_id = x.person_id
      from ${recordset(traitRows, 'source_identifier_id bigint, key text, mode text, person_id uuid, cipher text')} as x
      where t.source_identifier_id = x.source_identifier_id and t.key = x.key and t.mode = x.mode)`);
  }
  if (writes.length > 0) await raw`with ${raw.join(writes)} select 1 as written`.execute(db);
  return identifierRows.length + traitRows.length;
}

/** Each person of the region → the person its creator now belongs to (itself, or the one it is merged into). */
function targetsOf(persons: readonly PersonRow[], personOf: ReadonlyMap<number, string>): Map<string, string> {
  return new Map(
    persons.flatMap((p) => {
      const target = personOf.get(p.creator_identifier_id);
      return target ? [[p.id, target] as const] : [];
    }),
  );
}
