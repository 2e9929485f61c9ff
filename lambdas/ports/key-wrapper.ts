/**
 * Envelope encryption: each secret is encrypted with its own data key, and only the data key is
 * encrypted ("wrapped") by a master key that never leaves its keeper. KMS in AWS, a master key file
 * in `npm start`.
 *
 * The encryption context is bound to the wrapped key: unwrapping succeeds only with the same context,
 * so a wrapped key copied to another record (another site, another purpose) cannot be opened there.
 * Context values are not secret; they may appear in audit logs (CloudTrail).
 */
export type EncryptionContext = Readonly<Record<string, string>>;

export interface DataKey {
  /** A 256-bit AES key: encrypt with it, then drop it; never store it. */
  readonly plaintext: Uint8Array;
  /** The same key wrapped by the master key: store it beside the ciphertext. */
  readonly wrapped: Uint8Array;
}

export interface DataKeyWrapper {
  /** A fresh data key bound to `context`. */
  generateDataKey(context: EncryptionContext): Promise<DataKey>;
  /**
   * The plaintext of a key from `generateDataKey`. Rejects with a `StorageError` when `wrapped` was not
   * made by this wrapper's master key, was altered, or was made with another context.
   */
  unwrap(wrapped: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
}
