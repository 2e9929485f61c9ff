import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { StorageError } from '../../core/errors';
import type { DataKey, DataKeyWrapper, EncryptionContext } from '../../ports/key-wrapper';
import { storageError } from './sdk-errors';

export interface KmsDataKeyWrapperOptions {
  /** Key id, ARN or alias (`alias/sightline`) of the symmetric KMS key that wraps data keys. */
  readonly keyId: string;
  readonly client?: KMSClient;
}

/**
 * A `DataKeyWrapper` whose master key is a KMS key: GenerateDataKey makes AES-256 data keys and
 * Decrypt unwraps them, both under the caller's encryption context.
 *
 * @example
 * const keys = createKmsDataKeyWrapper({ keyId: requireEnv(ENV.kmsKeyId) });
 * const context = { siteId, purpose: 'write-key' };
 * const { plaintext, wrapped } = await keys.generateDataKey(context);
 * // encrypt with `plaintext`, store `wrapped`; later:
 * const key = await keys.unwrap(wrapped, context);
 */
export function createKmsDataKeyWrapper({
  keyId,
  client = new KMSClient({}),
}: KmsDataKeyWrapperOptions): DataKeyWrapper {
  return {
    async generateDataKey(context: EncryptionContext): Promise<DataKey> {
      let output: { Plaintext?: Uint8Array; CiphertextBlob?: Uint8Array };
      try {
        output = await client.send(
          new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { ...context } }),
        );
      } catch (error) {
        throw storageError(`KMS GenerateDataKey with ${keyId}`, error);
      }
      if (!output.Plaintext || !output.CiphertextBlob) {
        throw new StorageError(`KMS GenerateDataKey with ${keyId} returned no key`);
      }
      return { plaintext: output.Plaintext, wrapped: output.CiphertextBlob };
    },

    async unwrap(wrapped: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
      let plaintext: Uint8Array | undefined;
      try {
        // Naming the key makes KMS refuse a ciphertext wrapped by any other key.
        ({ Plaintext: plaintext } = await client.send(
          new DecryptCommand({ KeyId: keyId, CiphertextBlob: wrapped, EncryptionContext: { ...context } }),
        ));
      } catch (error) {
        throw storageError(`KMS Decrypt with ${keyId}`, error);
      }
      if (!plaintext) throw new StorageError(`KMS Decrypt with ${keyId} returned no key`);
      return plaintext;
    },
  };
}
