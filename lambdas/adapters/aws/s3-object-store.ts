import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { ValidationError } from '../../core/errors';
import type { ObjectInfo, ObjectStore, PutObjectOptions } from '../../ports/object-store';
import { isSdkError, storageError } from './sdk-errors';

export interface S3ObjectStoreOptions {
  readonly bucket: string;
  /** Prepended to every key, so that several stores can share a bucket (e.g. `exports/`). */
  readonly prefix?: string;
  readonly client?: S3Client;
}

/**
 * An `ObjectStore` over one S3 bucket. Objects are encrypted by the bucket's default encryption
 * (set by CDK), so requests carry no encryption headers.
 *
 * @example
 * const store = createS3ObjectStore({ bucket: requireEnv(ENV.lakeBucket), prefix: 'exports/' });
 * await store.put('2024/report.csv', csv, { contentType: 'text/csv' });
 */
export function createS3ObjectStore({
  bucket,
  prefix = '',
  client = new S3Client({}),
}: S3ObjectStoreOptions): ObjectStore {
  return {
    async put(key: string, body: Uint8Array | string, options?: PutObjectOptions): Promise<void> {
      checkKey(key);
      const command = new PutObjectCommand({
        Bucket: bucket,
        Key: prefix + key,
        Body: body,
        ContentType: options?.contentType,
      });
      try {
        await client.send(command);
      } catch (error) {
        throw storageError(`S3 PutObject s3://${bucket}/${prefix}${key}`, error);
      }
    },

    async get(key: string): Promise<Uint8Array | undefined> {
      checkKey(key);
      try {
        const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: prefix + key }));
        return output.Body ? await output.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (isSdkError(error, 'NoSuchKey')) return undefined;
        throw storageError(`S3 GetObject s3://${bucket}/${prefix}${key}`, error);
      }
    },

    list(keyPrefix: string): AsyncIterable<ObjectInfo> {
      return listObjects(client, bucket, prefix, keyPrefix);
    },

    async delete(key: string): Promise<void> {
      checkKey(key);
      try {
        // S3 answers a delete of a missing key with success, as the port wants.
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: prefix + key }));
      } catch (error) {
        throw storageError(`S3 DeleteObject s3://${bucket}/${prefix}${key}`, error);
      }
    },
  };
}

async function* listObjects(client: S3Client, bucket: string, prefix: string, keyPrefix: string) {
  const pages = paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix + keyPrefix });
  try {
    // ListObjectsV2 returns keys in UTF-8 binary order, which is the port's "key order".
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        yield {
          key: object.Key.slice(prefix.length),
          size: object.Size ?? 0,
          lastModified: object.LastModified ?? new Date(0),
        } satisfies ObjectInfo;
      }
    }
  } catch (error) {
    throw storageError(`S3 ListObjectsV2 s3://${bucket}/${prefix}${keyPrefix}`, error);
  }
}

/**
 * S3 keys are flat, but the local store maps them to paths: refuse the same keys it refuses, so that
 * code that works on one works on both.
 */
function checkKey(key: string): void {
  if (key.length === 0 || key.length > 1024) throw new ValidationError('object key must be 1–1024 characters', 'key');
  if (key.startsWith('/') || key.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw new ValidationError(`object key escapes the store: ${key}`, 'key');
  }
}
