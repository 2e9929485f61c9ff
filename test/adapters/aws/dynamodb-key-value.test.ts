import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createDynamoDbKeyValue } from '../../../lambdas/adapters/aws/dynamodb-key-value';
import { ValidationError } from '../../../lambdas/core/errors';

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('DynamoDB key-value', () => {
  const client = new DynamoDBClient({});
  const dynamo = mockClient(client);
  // 1,000,000.5 s after the epoch: `expiresAt` of the current second is 1_000_000.
  const now = 1_000_000_500;
  const kv = createDynamoDbKeyValue({ tableName: 'sightline-kv', client, now: () => now });

  beforeEach(() => dynamo.reset());

  it('returns the value stored under the key, read with strong consistency', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: { pk: { S: 'a' }, v: { S: '{"nested":[1,"x"]}' } } });

    expect(await kv.get('a')).toEqual({ nested: [1, 'x'] });
    expect(dynamo.commandCalls(GetItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'sightline-kv',
      Key: { pk: { S: 'a' } },
      ConsistentRead: true,
    });
  });

  it('returns undefined for a missing key', async () => {
    dynamo.on(GetItemCommand).resolves({});

    expect(await kv.get('missing')).toBeUndefined();
  });

  it('ignores an item whose TTL has passed but that DynamoDB has not deleted yet', async () => {
    dynamo
      .on(GetItemCommand)
      .resolvesOnce({ Item: { pk: { S: 'a' }, v: { N: '1' }, expiresAt: { N: '1000000' } } })
      .resolvesOnce({ Item: { pk: { S: 'a' }, v: { N: '1' }, expiresAt: { N: '1000001' } } });

    expect(await kv.get('a')).toBeUndefined();
    expect(await kv.get('a')).toBe(1);
  });

  it('stores numbers as DynamoDB numbers and other values as JSON strings', async () => {
    dynamo.on(PutItemCommand).resolves({});

    await kv.put('count', 42);
    await kv.put('doc', { a: [true, null] });

    expect(dynamo.commandCalls(PutItemCommand).map((call) => call.args[0].input)).toEqual([
      { TableName: 'sightline-kv', Item: { pk: { S: 'count' }, v: { N: '42' } } },
      { TableName: 'sightline-kv', Item: { pk: { S: 'doc' }, v: { S: '{"a":[true,null]}' } } },
    ]);
  });

  it('writes expiresAt in epoch seconds, rounded up so the record lives at least its TTL', async () => {
    dynamo.on(PutItemCommand).resolves({});

    await kv.put('a', 'x', { ttlSeconds: 60 });

    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.Item?.expiresAt).toEqual({ N: '1000061' });
  });

  it('writes ifAbsent with a condition that lets it replace only a missing or expired record', async () => {
    dynamo.on(PutItemCommand).resolves({});

    expect(await kv.put('lock', 'mine', { ifAbsent: true, ttlSeconds: 5 })).toBe(true);

    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
      ExpressionAttributeValues: { ':now': { N: '1000001' } },
    });
  });

  it('returns false when a live record exists for ifAbsent', async () => {
    dynamo.on(PutItemCommand).rejects(conditionFailed());

    expect(await kv.put('lock', 'mine', { ifAbsent: true })).toBe(false);
  });

  it('deletes by key', async () => {
    dynamo.on(DeleteItemCommand).resolves({});

    await kv.delete('a');

    expect(dynamo.commandCalls(DeleteItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'sightline-kv',
      Key: { pk: { S: 'a' } },
    });
  });

  it('increments with UpdateItem ADD and returns the new value', async () => {
    dynamo.on(UpdateItemCommand).resolves({ Attributes: { v: { N: '5' } } });

    expect(await kv.increment('hits', 2, { ttlSeconds: 60 })).toBe(5);

    expect(dynamo.commandCalls(UpdateItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'sightline-kv',
      Key: { pk: { S: 'hits' } },
      UpdateExpression: 'ADD v :by SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
      ConditionExpression: 'attribute_not_exists(expiresAt) OR expiresAt >= :now',
      ExpressionAttributeValues: { ':by': { N: '2' }, ':now': { N: '1000001' }, ':expiresAt': { N: '1000061' } },
      ReturnValues: 'UPDATED_NEW',
    });
  });

  it('restarts an expired counter at the increment, guarded against a concurrent restart', async () => {
    dynamo.on(UpdateItemCommand).rejects(conditionFailed());
    dynamo.on(PutItemCommand).resolves({});

    expect(await kv.increment('hits', 3, { ttlSeconds: 60 })).toBe(3);

    expect(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input).toEqual({
      TableName: 'sightline-kv',
      Item: { pk: { S: 'hits' }, v: { N: '3' }, expiresAt: { N: '1000061' } },
      ConditionExpression: 'expiresAt < :now',
      ExpressionAttributeValues: { ':now': { N: '1000001' } },
    });
  });

  it('adds again when another writer restarted the expired counter first', async () => {
    dynamo
      .on(UpdateItemCommand)
      .rejectsOnce(conditionFailed())
      .resolves({ Attributes: { v: { N: '4' } } });
    dynamo.on(PutItemCommand).rejects(conditionFailed());

    expect(await kv.increment('hits', 1)).toBe(4);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(2);
  });

  it('reports incrementing a record that is not a number as a ValidationError', async () => {
    dynamo.on(UpdateItemCommand).rejects(
      new DynamoDBServiceException({
        name: 'ValidationException',
        $fault: 'client',
        message: 'An operand in the update expression has an incorrect data type',
        $metadata: {},
      }),
    );

    await expect(kv.increment('doc', 1)).rejects.toBeInstanceOf(ValidationError);
  });

  it('wraps other DynamoDB failures in a StorageError', async () => {
    dynamo.on(GetItemCommand).rejects(Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' }));

    await expect(kv.get('a')).rejects.toMatchObject({ name: 'StorageError' });
  });

  it('refuses an empty key and a TTL that is not positive, as the local store does', async () => {
    await expect(kv.get('')).rejects.toMatchObject({ field: 'key' });
    await expect(kv.put('a', 1, { ttlSeconds: 0 })).rejects.toMatchObject({ field: 'ttlSeconds' });
    expect(dynamo.calls()).toHaveLength(0);
  });
});
