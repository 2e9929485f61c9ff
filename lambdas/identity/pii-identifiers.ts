import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { sealText } from './crypto/pii-cipher';
import { identifierAad } from './identifier-aad';
import type { IdentifierRow } from './identifier-rows';
import type { PreparedIdentifier } from './prepared-identifiers';

/** Seals the plaintext of PII identifiers stored for the first time, with their person's key. */
export async function sealNewPii(
  trx: Kysely<Database>,
  siteId: string,
  accepted: readonly PreparedIdentifier[],
  rows: readonly IdentifierRow[],
  personOf: ReadonlyMap<number, string | null>,
  keyOf: (personId: string) => Promise<Uint8Array>,
): Promise<void> {
  for (const [index, row] of rows.entries()) {
    const plaintext = accepted[index]?.plaintext;
    const personId = personOf.get(row.id);
    if (row.has_cipher || plaintext === undefined || !personId) continue;
    const cipher = sealText(await keyOf(personId), plaintext, identifierAad(siteId, row.type, row.value));
    await raw`update identifiers set value_cipher = ${Buffer.from(cipher)}, key_person_id = ${personId}::uuid
      where id = ${row.id} and value_cipher is null`.execute(trx);
  }
}
