import { randomBytes } from 'node:crypto';
import { type Kysely, sql as raw } from 'kysely';
import type { Database } from '../../db/schema';
import { recordset, uuidList } from '../sql-values';
import { open, seal } from './pii-cipher';

/**
 * Each person's PII is sealed with a key of their own, itself sealed with the organization's key.
 * Erasing a person deletes their keys: every ciphertext made with them, in any backup, is then noise.
 *
 * @example
 * const keys = await personKeys(trx, orgKeys.encryptionKey, organizationId, [personId], { create: true });
 * sealText(keys.get(personId), 'ada@example.com', aad);
 */
export async function personKeys(
  db: Kysely<Database>,
  encryptionKey: Uint8Array,
  organizationId: string,
  personIds: readonly string[],
  options: { create: boolean },
): Promise<Map<string, Uint8Array>> {
  const wanted = [...new Set(personIds)];
  const keys = new Map<string, Uint8Array>();
  if (wanted.length === 0) return keys;
  const { rows } = await raw<{ person_id: string; wrapped_key: Uint8Array }>`
    select person_id, wrapped_key from person_keys where person_id in ${uuidList(wanted)}`.execute(db);
  for (const row of rows) keys.set(row.person_id, open(encryptionKey, row.wrapped_key, aad(row.person_id)));
  if (!options.create) return keys;

  const missing = wanted.filter((id) => !keys.has(id));
  if (missing.length === 0) return keys;
  const created = missing.map((personId) => {
    const key = new Uint8Array(randomBytes(32));
    keys.set(personId, key);
    return { person_id: personId, wrapped: Buffer.from(seal(encryptionKey, key, aad(personId))).toString('base64') };
  });
  await raw`insert into person_keys (person_id, organization_id, wrapped_key)
    select x.person_id, ${organizationId}::uuid, decode(x.wrapped, 'base64')
    from ${recordset(created, 'person_id uuid, wrapped text')} as x
    order by x.person_id`.execute(db);
  return keys;
}

/** Deletes the keys of these persons: the crypto-shredding step of an erasure. */
export async function shredPersonKeys(db: Kysely<Database>, personIds: readonly string[]): Promise<number> {
  if (personIds.length === 0) return 0;
  const result = await raw`delete from person_keys where person_id in ${uuidList(personIds)}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

function aad(personId: string): string {
  return `person-key:${personId}`;
}
