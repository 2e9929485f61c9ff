import { KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { ConfigError, PartialWriteError, ValidationError } from '../../core/errors';
import type { EventStream, StreamConsumer, StreamRecordInput } from '../../ports/event-stream';
import type { KeyValue } from '../../ports/key-value';
import { type BackoffOptions, sleep as realSleep, type Sleep } from './backoff';
import { type EntryFailure, sendBatchWithRetries } from './batch-retry';
import { toBatches } from './batches';
import { createKinesisConsumer } from './kinesis-consumer';

/** PutRecords limits (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html). */
const MAX_RECORDS_PER_REQUEST = 500;
const MAX_BYTES_PER_REQUEST = 5 * 1024 * 1024;
const MAX_BYTES_PER_RECORD = 1024 * 1024;
const MAX_PARTITION_KEY_LENGTH = 256;

export interface KinesisEventStreamOptions {
  readonly streamName: string;
  readonly client?: KinesisClient;
  /** Where `consumer(name)` keeps its checkpoints; producers need none. */
  readonly checkpoints?: KeyValue;
  /** Retries of the records Kinesis reports as failed (throttled, internal failure). */
  readonly retry?: BackoffOptions;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

const DEFAULT_RETRY: BackoffOptions = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 2_000 };

/**
 * An `EventStream` over a Kinesis data stream. `put` writes with PutRecords in requests of at most
 * 500 records and 5 MB, and sends again only the records Kinesis reports as failed. A record whose
 * retry succeeds may land after later records of its partition key: Kinesis keeps the order of a
 * PutRecords request only for the records it accepts together.
 *
 * @example
 * const stream = createKinesisEventStream({ streamName: requireEnv(ENV.eventsStreamName) });
 * await stream.put([{ partitionKey: visitorId, data: new TextEncoder().encode(JSON.stringify(event)) }]);
 */
export function createKinesisEventStream({
  streamName,
  client = new KinesisClient({}),
  checkpoints,
  retry = DEFAULT_RETRY,
  sleep = realSleep,
  random = Math.random,
}: KinesisEventStreamOptions): EventStream {
  const sendRecords = async (records: readonly StreamRecordInput[]): Promise<EntryFailure[]> => {
    const entries: PutRecordsRequestEntry[] = records.map((record) => ({
      PartitionKey: record.partitionKey,
      Data: record.data,
    }));
    const output = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: entries }));
    if (!output.FailedRecordCount) return [];
    const failures: EntryFailure[] = [];
    (output.Records ?? []).forEach((result, position) => {
      if (result.ErrorCode) {
        failures.push({ position, retryable: true, reason: `${result.ErrorCode}: ${result.ErrorMessage ?? ''}` });
      }
    });
    return failures;
  };

  return {
    async put(records: readonly StreamRecordInput[]): Promise<void> {
      // Kinesis would refuse the whole request over one of these; refuse the call before sending any.
      records.forEach((record, index) => {
        if (record.partitionKey.length === 0 || record.partitionKey.length > MAX_PARTITION_KEY_LENGTH) {
          throw new ValidationError('partition key must be 1–256 characters', `records[${index}].partitionKey`);
        }
        if (recordSize(record) > MAX_BYTES_PER_RECORD) {
          throw new ValidationError('record with its partition key exceeds 1 MiB', `records[${index}].data`);
        }
      });
      const batches = toBatches(
        records,
        { maxCount: MAX_RECORDS_PER_REQUEST, maxBytes: MAX_BYTES_PER_REQUEST },
        recordSize,
      );

      const failed: number[] = [];
      let reasons: string[] = [];
      let cause: unknown;
      for (const [number, batch] of batches.entries()) {
        const outcome = await sendBatchWithRetries(batch.items, sendRecords, { ...retry, sleep, random });
        if (outcome.failed.length === 0) continue;
        // Stop at the first batch that could not be written whole, so that no later record of a
        // partition key is written ahead of an earlier one the caller must send again.
        failed.push(...outcome.failed.map((position) => batch.indexes[position]));
        for (const later of batches.slice(number + 1)) failed.push(...later.indexes);
        reasons = outcome.reasons;
        cause = outcome.cause;
        break;
      }
      if (failed.length === 0) return;
      throw new PartialWriteError(
        `${failed.length} of ${records.length} records were not written to Kinesis stream ${streamName}: ${[...new Set(reasons)].slice(0, 3).join('; ')}`,
        failed,
        { cause },
      );
    },

    consumer(name: string): StreamConsumer {
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new ValidationError('consumer name is invalid', 'name');
      if (!checkpoints) {
        throw new ConfigError(`Kinesis stream ${streamName} has no checkpoint store; pass \`checkpoints\` to read it`);
      }
      return createKinesisConsumer({ name, streamName, client, checkpoints });
    },
  };
}

function recordSize(record: StreamRecordInput): number {
  return record.data.byteLength + Buffer.byteLength(record.partitionKey, 'utf8');
}
