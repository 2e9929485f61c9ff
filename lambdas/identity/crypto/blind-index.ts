import { createHmac } from 'node:crypto';

/**
 * A keyed hash that finds an encrypted value by equality without decrypting anything: HMAC-SHA256
 * under the organization's index key, over the kind of value and its normalized form. Without the
 * key, a stolen table cannot be matched against a list of known e-mails.
 *
 * @example
 * blindIndex(keys.indexKey, 'email', 'ada@example.com'); // '5d41…' (64 hex characters)
 */
export function blindIndex(indexKey: Uint8Array, kind: string, normalizedValue: string): string {
  return createHmac('sha256', indexKey).update(kind).update('\u0000').update(normalizedValue).digest('hex');
}
