import { open, seal } from '../identity/crypto/pii-cipher';
import type { DataKeyWrapper, EncryptionContext } from '../ports/key-wrapper';

/** A site's HMAC secret at rest: its own data key (wrapped by KMS / the local master key) and the sealed secret. */
export interface SealedHmacSecret {
  readonly wrappedKey: Uint8Array;
  readonly cipher: Uint8Array;
}

const contextOf = (organizationId: string, siteId: string): EncryptionContext => ({
  organizationId,
  siteId,
  purpose: 'sightline-postback-hmac',
});
const aadOf = (siteId: string) => `postback-hmac:${siteId}`;

/**
 * Seals an HMAC secret under a fresh data key bound to the site, so the stored bytes open only
 * for that site's settings row.
 *
 * @example
 * const sealed = await sealHmacSecret(keyWrapper, organizationId, siteId, secret);
 */
export async function sealHmacSecret(
  wrapper: DataKeyWrapper,
  organizationId: string,
  siteId: string,
  secret: Uint8Array,
): Promise<SealedHmacSecret> {
  const key = await wrapper.generateDataKey(contextOf(organizationId, siteId));
  return { wrappedKey: key.wrapped, cipher: seal(key.plaintext, secret, aadOf(siteId)) };
}

/**
 * The plaintext secret of `sealHmacSecret`; rejects with a `StorageError` when anything was altered
 * or copied from another site.
 *
 * @example
 * const secret = await openHmacSecret(keyWrapper, organizationId, siteId, sealed);
 */
export async function openHmacSecret(
  wrapper: DataKeyWrapper,
  organizationId: string,
  siteId: string,
  sealed: SealedHmacSecret,
): Promise<Uint8Array> {
  const key = await wrapper.unwrap(sealed.wrappedKey, contextOf(organizationId, siteId));
  return open(key, sealed.cipher, aadOf(siteId));
}
