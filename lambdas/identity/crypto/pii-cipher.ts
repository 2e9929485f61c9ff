import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { StorageError } from '../../core/errors';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM with associated data, as `version ‖ iv ‖ tag ‖ ciphertext`. The associated data binds a
 * ciphertext to where it is stored (its row and column), so a value copied elsewhere fails to open.
 *
 * @example
 * const sealed = seal(key, new TextEncoder().encode('ada@example.com'), 'identifier:42');
 * new TextDecoder().decode(open(key, sealed, 'identifier:42')); // 'ada@example.com'
 */
export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: string): Uint8Array {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
}

/** IVs drawn from the CSPRNG 256 at a time (a batch seals thousands of values); each handed out once. */
const IV_POOL_SIZE = 256;
let ivPool = Buffer.alloc(0);
let ivPoolOffset = 0;

function nextIv(): Buffer {
  if (ivPoolOffset === ivPool.length) {
    // A new buffer each time: IVs already handed out are views of the previous one and must not change.
    ivPool = randomFillSync(Buffer.allocUnsafeSlow(IV_BYTES * IV_POOL_SIZE));
    ivPoolOffset = 0;
  }
  const iv = ivPool.subarray(ivPoolOffset, ivPoolOffset + IV_BYTES);
  ivPoolOffset += IV_BYTES;
  return iv;
}

/** Opens what `seal` sealed; throws a `StorageError` when the key, the data or the associated data differ. */
export function open(key: Uint8Array, sealed: Uint8Array, associatedData: string): Uint8Array {
  const bytes = Buffer.from(sealed);
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) {
    throw new StorageError('sealed value is malformed or of an unknown version');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch (error) {
    throw new StorageError('sealed value failed authentication', { cause: error });
  }
}

/** `seal` for text. */
export function sealText(key: Uint8Array, plaintext: string, associatedData: string): Uint8Array {
  return seal(key, Buffer.from(plaintext, 'utf8'), associatedData);
}

/** `open` for text. */
export function openText(key: Uint8Array, sealed: Uint8Array, associatedData: string): string {
  return Buffer.from(open(key, sealed, associatedData)).toString('utf8');
}
