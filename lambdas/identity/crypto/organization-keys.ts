import { hkdfSync } from 'node:crypto';
import { sql as raw } from 'kysely';
import { withOrganization } from '../../db/tenant';
import type { DataKeyWrapper, EncryptionContext } from '../../ports/key-wrapper';
import type { Sql } from '../../ports/sql';

/** The two keys derived from an organization's data key. Never stored; held in memory only. */
export interface OrganizationKeys {
  /** Wraps the per-person keys that encrypt PII. */
  readonly encryptionKey: Uint8Array;
  /** Keys the blind indexes PII is looked up by. */
  readonly indexKey: Uint8Array;
  /** Seals raw event payloads, which hold PII as sent. */
  readonly payloadKey: Uint8Array;
}

export interface OrganizationKeyring {
  /** The organization's keys, creating its data key on first use. */
  keysFor(organizationId: string): Promise<OrganizationKeys>;
}

/**
 * Envelope encryption per organization: one data key, wrapped by the `DataKeyWrapper` (KMS in AWS,
 * the local master key in `npm start`) and stored in `identity_organization_keys`; unwrapped once per
 * process. Independent keys are derived from it with HKDF, one per use.
 *
 * @example
 * const keyring = createOrganizationKeyring(sql, createLocalKeyWrapper({ path: paths.masterKey }));
 * const { indexKey } = await keyring.keysFor(organizationId);
 */
export function createOrganizationKeyring(sql: Sql, wrapper: DataKeyWrapper): OrganizationKeyring {
  const cache = new Map<string, Promise<OrganizationKeys>>();
  return {
    keysFor(organizationId) {
      let keys = cache.get(organizationId);
      if (!keys) {
        keys = loadOrCreate(sql, wrapper, organizationId);
        keys.catch(() => cache.delete(organizationId));
        cache.set(organizationId, keys);
      }
      return keys;
    },
  };
}

async function loadOrCreate(sql: Sql, wrapper: DataKeyWrapper, organizationId: string): Promise<OrganizationKeys> {
  const context: EncryptionContext = { organizationId, purpose: 'sightline-identity-pii' };
  const stored = await readWrappedKey(sql, organizationId);
  if (stored) return derive(await wrapper.unwrap(stored, context), organizationId);

  const fresh = await wrapper.generateDataKey(context);
  await withOrganization(sql, organizationId, (trx) =>
    raw`insert into identity_organization_keys (organization_id, wrapped_key)
        values (${organizationId}, ${Buffer.from(fresh.wrapped)})
        on conflict (organization_id) do nothing`.execute(trx),
  );
  // Another worker may have stored its key first: everyone uses the stored one.
  const winner = await readWrappedKey(sql, organizationId);
  if (!winner) throw new Error(`organization ${organizationId} key was not stored`);
  const plaintext = Buffer.from(winner).equals(Buffer.from(fresh.wrapped))
    ? fresh.plaintext
    : await wrapper.unwrap(winner, context);
  return derive(plaintext, organizationId);
}

async function readWrappedKey(sql: Sql, organizationId: string): Promise<Uint8Array | undefined> {
  const { rows } = await withOrganization(sql, organizationId, (trx) =>
    raw<{ wrapped_key: Uint8Array }>`select wrapped_key from identity_organization_keys
      where organization_id = ${organizationId}`.execute(trx),
  );
  return rows[0] ? Buffer.from(rows[0].wrapped_key) : undefined;
}

function derive(dataKey: Uint8Array, organizationId: string): OrganizationKeys {
  const subkey = (info: string) => new Uint8Array(hkdfSync('sha256', dataKey, organizationId, info, 32));
  return {
    encryptionKey: subkey('sightline/identity/person-key-wrapping'),
    indexKey: subkey('sightline/identity/blind-index'),
    payloadKey: subkey('sightline/identity/raw-event-payload'),
  };
}
