import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createS3ObjectStore } from '../../../lambdas/adapters/aws/s3-object-store';
import { StorageError, ValidationError } from '../../../lambdas/core/errors';

/** The part of an SDK stream body the adapter reads. */
const body = (text: string) =>
  ({ transformToByteArray: async () => new TextEncoder().encode(text) }) as unknown as GetObjectCommandOutput['Body'];

describe('S3 object store', () => {
  const client = new S3Client({});
  const s3 = mockClient(client);
  const store = createS3ObjectStore({ bucket: 'lake', prefix: 'exports/', client });

  beforeEach(() => s3.reset());

  it('puts the body under the prefixed key with its content type and no encryption headers', async () => {
    s3.on(PutObjectCommand).resolves({});

    await store.put('2024/report.csv', 'a,b', { contentType: 'text/csv' });

    const [call] = s3.commandCalls(PutObjectCommand);
    expect(call?.args[0].input).toEqual({
      Bucket: 'lake',
      Key: 'exports/2024/report.csv',
      Body: 'a,b',
      ContentType: 'text/csv',
    });
  });

  it('returns the bytes of an object', async () => {
    s3.on(GetObjectCommand, { Bucket: 'lake', Key: 'exports/a.txt' }).resolves({ Body: body('hello') });

    const bytes = await store.get('a.txt');

    expect(Buffer.from(bytes ?? []).toString()).toBe('hello');
  });

  it('returns undefined for a missing object', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));

    expect(await store.get('missing.txt')).toBeUndefined();
  });

  it('wraps any other S3 failure in a StorageError that keeps the SDK error as cause', async () => {
    const denied = new S3ServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      message: 'Access Denied',
      $metadata: {},
    });
    s3.on(GetObjectCommand).rejects(denied);

    const failure = store.get('secret.txt');

    await expect(failure).rejects.toBeInstanceOf(StorageError);
    await expect(failure).rejects.toMatchObject({ cause: denied, message: expect.stringContaining('AccessDenied') });
  });

  it('lists every page of keys under the prefix, without the store prefix', async () => {
    const modified = new Date('2024-05-01T00:00:00Z');
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        Contents: [{ Key: 'exports/events/a', Size: 1, LastModified: modified }],
        IsTruncated: true,
        NextContinuationToken: 'page-2',
      })
      .resolvesOnce({ Contents: [{ Key: 'exports/events/b', Size: 2, LastModified: modified }], IsTruncated: false });

    const listed = [];
    for await (const info of store.list('events/')) listed.push(info);

    expect(listed).toEqual([
      { key: 'events/a', size: 1, lastModified: modified },
      { key: 'events/b', size: 2, lastModified: modified },
    ]);
    const calls = s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input);
    expect(calls).toEqual([
      expect.objectContaining({ Bucket: 'lake', Prefix: 'exports/events/' }),
      expect.objectContaining({ Bucket: 'lake', Prefix: 'exports/events/', ContinuationToken: 'page-2' }),
    ]);
  });

  it('deletes the prefixed key', async () => {
    s3.on(DeleteObjectCommand).resolves({});

    await store.delete('old.csv');

    expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({ Bucket: 'lake', Key: 'exports/old.csv' });
  });

  it('rejects a key that escapes the store, as the local store does, without calling S3', async () => {
    await expect(store.put('../outside', 'x')).rejects.toThrow(ValidationError);
    await expect(store.put('../outside', 'x')).rejects.toThrow(/escapes/);
    expect(s3.calls()).toHaveLength(0);
  });
});
