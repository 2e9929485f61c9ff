import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { personKeys } from './crypto/person-keys';
import { openText } from './crypto/pii-cipher';
import { identifierAad } from './identifier-aad';
import { traitAad } from './trait-rows';

/** A stored identifier as read: its value is the blind index for PII, the plaintext otherwise. */
interface StoredIdentifierRow {
  readonly type: string;
  readonly value: string;
  readonly value_cipher: Uint8Array | null;
  readonly key_person_id: string | null;
}

/** A stored trait as read: `value` for a plain one, `value_cipher` for a sealed one. */
interface StoredTraitRow {
  readonly key: string;
  readonly value: unknown;
  readonly value_cipher: Uint8Array | null;
  readonly key_person_id: string | null;
}

/** Opens identity's sealed values with the keys of the persons that sealed them. */
export interface SealedValues {
  /** An identifier's plaintext: PII decrypted (`null` once its key is shredded), any other as stored. */
  identifier(siteId: string, row: StoredIdentifierRow): string | null;
  /** A trait's value: a sealed one decrypted (`null` once its key is shredded), any other as stored. */
  trait(row: StoredTraitRow): unknown;
}

/**
 * The opener for values sealed by `keyOwners` (their `key_person_id`s): their keys read once.
 *
 * @example
 * const sealed = await openSealedValues(trx, keys.encryptionKey, organizationId, rows.map((r) => r.key_person_id));
 * const email = sealed.identifier(siteId, row);
 */
export async function openSealedValues(
  db: Kysely<Database>,
  encryptionKey: Uint8Array,
  organizationId: string,
  keyOwners: readonly (string | null)[],
): Promise<SealedValues> {
  const owners = keyOwners.filter((owner): owner is string => owner !== null);
  const keys = await personKeys(db, encryptionKey, organizationId, owners, { create: false });
  const reveal = (cipher: Uint8Array | null, owner: string | null, aad: string): string | null => {
    const key = owner ? keys.get(owner) : undefined;
    return cipher && key ? openText(key, cipher, aad) : null;
  };
  return {
    identifier: (siteId, row) =>
      row.value_cipher || row.type === 'email' || row.type === 'phone'
        ? reveal(row.value_cipher, row.key_person_id, identifierAad(siteId, row.type, row.value))
        : row.value,
    trait: (row) => {
      if (!row.value_cipher) return row.value;
      const sealed = reveal(row.value_cipher, row.key_person_id, traitAad(row.key_person_id ?? '', row.key));
      return sealed === null ? null : JSON.parse(sealed);
    },
  };
}
