import {
  type AttributeValue,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { StorageError, ValidationError } from '../../core/errors';
import type { JsonValue, KeyValue, PutOptions } from '../../ports/key-value';
import { isSdkError, storageError } from './sdk-errors';

export interface DynamoDbKeyValueOptions {
  /** A table with partition key `pk` (S) and TTL on `expiresAt`. */
  readonly tableName: string;
  readonly client?: DynamoDBClient;
  /** Epoch milliseconds; replaced in tests. */
  readonly now?: () => number;
}

/** An increment that finds an expired counter restarts it; a concurrent restart makes it try again. */
const MAX_INCREMENT_ATTEMPTS = 3;

/**
 * A `KeyValue` over a DynamoDB table. Values live in attribute `v`: numbers as a DynamoDB number (so
 * that `increment` can `ADD` to them), everything else as a JSON string. `expiresAt` holds the expiry in
 * epoch seconds for DynamoDB's TTL; TTL deletes lazily, so reads and writes treat an item whose
 * `expiresAt` has passed as absent.
 *
 * `increment` with `ttlSeconds` sets the expiry when it creates (or restarts) the counter and keeps it on
 * later increments, so a counter lives for a fixed window (rate limits, quotas).
 *
 * @example
 * const kv = createDynamoDbKeyValue({ tableName: requireEnv(ENV.keyValueTable) });
 * if (await kv.put(`idempotency#${eventId}`, true, { ttlSeconds: 3600, ifAbsent: true })) await handle(event);
 */
export function createDynamoDbKeyValue({
  tableName,
  client = new DynamoDBClient({}),
  now = Date.now,
}: DynamoDbKeyValueOptions): KeyValue {
  // `expiresAt` is whole epoch seconds, rounded up so that a record lives at least its TTL. A record has
  // expired once that second has begun, i.e. when `expiresAt < :now` with `:now` = the next second.
  const expiresAt = (ttlSeconds: number): AttributeValue => ({ N: String(Math.ceil(now() / 1000 + ttlSeconds)) });
  const cutoff = (): number => Math.floor(now() / 1000) + 1;
  const keyOf = (key: string): Record<string, AttributeValue> => ({ pk: { S: key } });

  const restartExpiredCounter = async (key: string, by: number, ttlSeconds?: number): Promise<boolean> => {
    const item: Record<string, AttributeValue> = { ...keyOf(key), v: { N: String(by) } };
    if (ttlSeconds !== undefined) item.expiresAt = expiresAt(ttlSeconds);
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: 'expiresAt < :now',
          ExpressionAttributeValues: { ':now': { N: String(cutoff()) } },
        }),
      );
      return true;
    } catch (error) {
      if (isSdkError(error, 'ConditionalCheckFailedException')) return false;
      throw storageError(`DynamoDB PutItem ${tableName}`, error);
    }
  };

  return {
    async get(key: string): Promise<JsonValue | undefined> {
      checkKey(key);
      let item: Record<string, AttributeValue> | undefined;
      try {
        // Strongly consistent: idempotency records and quotas must see the write just made.
        ({ Item: item } = await client.send(
          new GetItemCommand({ TableName: tableName, Key: keyOf(key), ConsistentRead: true }),
        ));
      } catch (error) {
        throw storageError(`DynamoDB GetItem ${tableName}`, error);
      }
      if (!item || isExpired(item, cutoff())) return undefined;
      return decodeValue(item.v, key);
    },

    async put(key: string, value: JsonValue, options: PutOptions = {}): Promise<boolean> {
      checkKey(key);
      checkTtl(options.ttlSeconds);
      const item: Record<string, AttributeValue> = { ...keyOf(key), v: encodeValue(value) };
      if (options.ttlSeconds !== undefined) item.expiresAt = expiresAt(options.ttlSeconds);
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: item,
            ...(options.ifAbsent && {
              ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
              ExpressionAttributeValues: { ':now': { N: String(cutoff()) } },
            }),
          }),
        );
        return true;
      } catch (error) {
        if (options.ifAbsent && isSdkError(error, 'ConditionalCheckFailedException')) return false;
        throw storageError(`DynamoDB PutItem ${tableName}`, error);
      }
    },

    async delete(key: string): Promise<void> {
      checkKey(key);
      try {
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: keyOf(key) }));
      } catch (error) {
        throw storageError(`DynamoDB DeleteItem ${tableName}`, error);
      }
    },

    async increment(key: string, by: number, options: { ttlSeconds?: number } = {}): Promise<number> {
      checkKey(key);
      checkTtl(options.ttlSeconds);
      if (!Number.isFinite(by)) throw new ValidationError('increment must be a finite number', 'by');
      for (let attempt = 0; attempt < MAX_INCREMENT_ATTEMPTS; attempt++) {
        const values: Record<string, AttributeValue> = {
          ':by': { N: String(by) },
          ':now': { N: String(cutoff()) },
        };
        let update = 'ADD v :by';
        if (options.ttlSeconds !== undefined) {
          update += ' SET expiresAt = if_not_exists(expiresAt, :expiresAt)';
          values[':expiresAt'] = expiresAt(options.ttlSeconds);
        }
        try {
          const output = await client.send(
            new UpdateItemCommand({
              TableName: tableName,
              Key: keyOf(key),
              UpdateExpression: update,
              // Add only to a live counter; an expired one starts again from zero below.
              ConditionExpression: 'attribute_not_exists(expiresAt) OR expiresAt >= :now',
              ExpressionAttributeValues: values,
              ReturnValues: 'UPDATED_NEW',
            }),
          );
          const total = output.Attributes?.v?.N;
          if (total === undefined)
            throw new StorageError(`DynamoDB UpdateItem ${tableName} returned no value for ${key}`);
          return Number(total);
        } catch (error) {
          if (isSdkError(error, 'ValidationException') && /incorrect data type/i.test(String(error))) {
            throw new ValidationError(`record ${key} is not a number`, 'key', { cause: error });
          }
          if (!isSdkError(error, 'ConditionalCheckFailedException')) {
            throw storageError(`DynamoDB UpdateItem ${tableName}`, error);
          }
        }
        if (await restartExpiredCounter(key, by, options.ttlSeconds)) return by;
      }
      throw new StorageError(`DynamoDB counter ${key} in ${tableName} kept changing; increment gave up`);
    },
  };
}

function isExpired(item: Record<string, AttributeValue>, cutoff: number): boolean {
  const expiresAt = item.expiresAt?.N;
  return expiresAt !== undefined && Number(expiresAt) < cutoff;
}

function encodeValue(value: JsonValue): AttributeValue {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValidationError('value must be a finite number', 'value');
    return { N: String(value) };
  }
  return { S: JSON.stringify(value) };
}

function decodeValue(attribute: AttributeValue | undefined, key: string): JsonValue {
  if (attribute?.N !== undefined) return Number(attribute.N);
  if (attribute?.S !== undefined) return JSON.parse(attribute.S) as JsonValue;
  throw new StorageError(`DynamoDB item ${key} has no value attribute v`);
}

/** Keys and TTLs are checked as the local store checks them, so that both refuse the same calls. */
function checkKey(key: string): void {
  if (key.length === 0 || key.length > 1024) throw new ValidationError('key must be 1–1024 characters', 'key');
}

function checkTtl(ttlSeconds: number | undefined): void {
  if (ttlSeconds !== undefined && !(ttlSeconds > 0)) {
    throw new ValidationError('ttlSeconds must be positive', 'ttlSeconds');
  }
}
