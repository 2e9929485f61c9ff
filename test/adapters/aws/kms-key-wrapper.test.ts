import { DecryptCommand, GenerateDataKeyCommand, InvalidCiphertextException, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { createKmsDataKeyWrapper } from '../../../lambdas/adapters/aws/kms-key-wrapper';
import { StorageError } from '../../../lambdas/core/errors';

describe('KMS data key wrapper', () => {
  const client = new KMSClient({});
  const kms = mockClient(client);
  const keys = createKmsDataKeyWrapper({ keyId: 'alias/sightline', client });
  const context = { siteId: 'site-1', purpose: 'write-key' };

  beforeEach(() => kms.reset());

  it('generates an AES-256 data key bound to the encryption context', async () => {
    const plaintext = new Uint8Array(32).fill(7);
    const wrapped = new Uint8Array([1, 2, 3]);
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: plaintext, CiphertextBlob: wrapped, KeyId: 'arn:key' });

    const key = await keys.generateDataKey(context);

    expect(key).toEqual({ plaintext, wrapped });
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]?.args[0].input).toEqual({
      KeyId: 'alias/sightline',
      KeySpec: 'AES_256',
      EncryptionContext: context,
    });
  });

  it('unwraps with Decrypt under the same key and context', async () => {
    const plaintext = new Uint8Array(32).fill(9);
    kms.on(DecryptCommand).resolves({ Plaintext: plaintext });
    const wrapped = new Uint8Array([4, 5, 6]);

    expect(await keys.unwrap(wrapped, context)).toEqual(plaintext);
    expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input).toEqual({
      KeyId: 'alias/sightline',
      CiphertextBlob: wrapped,
      EncryptionContext: context,
    });
  });

  it('reports an unwrap KMS refuses (wrong context, altered key) as a StorageError', async () => {
    const refused = new InvalidCiphertextException({ message: 'invalid ciphertext', $metadata: {} });
    kms.on(DecryptCommand).rejects(refused);

    await expect(keys.unwrap(new Uint8Array([1]), { siteId: 'other' })).rejects.toMatchObject({
      name: 'StorageError',
      cause: refused,
    });
    await expect(keys.unwrap(new Uint8Array([1]), { siteId: 'other' })).rejects.toBeInstanceOf(StorageError);
  });
});
