import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, StorageError } from '../../core/errors';
import type { DataKey, DataKeyWrapper, EncryptionContext } from '../../ports/key-wrapper';
import { syncDirectory } from './atomic-file';

const MASTER_KEY_BYTES = 32;
const VERSION = 1;
const KEY_ID_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface LocalKeyWrapperOptions {
  /** The master key file; created (32 random bytes, mode 0600) when missing. */
  readonly path: string;
}

/**
 * The `DataKeyWrapper` of `npm start`: a 32-byte master key in a file only its owner can read, and
 * AES-256-GCM to wrap data keys under it with the encryption context as associated data, as KMS binds
 * it. A wrapped key names the master key (a hash prefix), so keys wrapped under another master are
 * refused as such rather than as corrupt.
 *
 * @example
 * const keys = createLocalKeyWrapper({ path: dataPaths(dataDir).masterKey });
 * const { plaintext, wrapped } = await keys.generateDataKey({ organizationId, purpose: 'pii' });
 */
export function createLocalKeyWrapper({ path }: LocalKeyWrapperOptions): DataKeyWrapper {
  const master = loadOrCreateMasterKey(path);
  const keyId = createHash('sha256').update(master).digest().subarray(0, KEY_ID_BYTES);

  const wrap = (plaintext: Uint8Array, context: EncryptionContext): Uint8Array => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', master, iv);
    cipher.setAAD(contextBytes(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), keyId, iv, cipher.getAuthTag(), body]);
  };

  return {
    async generateDataKey(context: EncryptionContext): Promise<DataKey> {
      const plaintext = new Uint8Array(randomBytes(32));
      return { plaintext, wrapped: new Uint8Array(wrap(plaintext, context)) };
    },

    async unwrap(wrapped: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
      const bytes = Buffer.from(wrapped);
      const header = 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;
      if (bytes.length <= header || bytes[0] !== VERSION) throw new StorageError('wrapped key is malformed');
      if (!bytes.subarray(1, 1 + KEY_ID_BYTES).equals(keyId)) {
        throw new StorageError(`wrapped key was made by another master key than ${path}`);
      }
      try {
        const ivStart = 1 + KEY_ID_BYTES;
        const decipher = createDecipheriv('aes-256-gcm', master, bytes.subarray(ivStart, ivStart + IV_BYTES));
        decipher.setAAD(contextBytes(context));
        decipher.setAuthTag(bytes.subarray(ivStart + IV_BYTES, header));
        return new Uint8Array(Buffer.concat([decipher.update(bytes.subarray(header)), decipher.final()]));
      } catch (error) {
        throw new StorageError('wrapped key was altered or made with another encryption context', { cause: error });
      }
    },
  };
}

/** Context as canonical JSON (keys sorted), so `{a, b}` and `{b, a}` are the same context. */
function contextBytes(context: EncryptionContext): Buffer {
  const sorted = Object.keys(context)
    .sort()
    .map((key) => [key, context[key]]);
  return Buffer.from(JSON.stringify(sorted), 'utf8');
}

function loadOrCreateMasterKey(path: string): Buffer {
  if (!existsSync(path)) createMasterKey(path);
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    throw new ConfigError(`master key ${path} is readable by others; run: chmod 600 ${path}`);
  }
  const key = readFileSync(path);
  if (key.length !== MASTER_KEY_BYTES) {
    throw new ConfigError(`master key ${path} must hold exactly ${MASTER_KEY_BYTES} bytes, found ${key.length}`);
  }
  return key;
}

/**
 * Written beside the target, then hard-linked into place: linking never replaces an existing file,
 * so concurrent first starts agree on one key and nobody reads a half-written one.
 */
function createMasterKey(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, randomBytes(MASTER_KEY_BYTES));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new StorageError(`cannot create master key ${path}`, { cause: error });
    }
  } finally {
    unlinkSync(tmp);
  }
  // The link durable before anything is wrapped under the key: a crash must not lose it.
  syncDirectory(dirname(path));
}
