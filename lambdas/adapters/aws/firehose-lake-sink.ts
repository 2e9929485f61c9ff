import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { PartialWriteError, StorageError } from '../../core/errors';
import type { LakeTable } from '../../lake/tables';
import type { LakeRow, LakeSink } from '../../ports/lake-sink';
import { type BackoffOptions, backoffDelay, sleep as realSleep, type Sleep } from './backoff';

export interface FirehoseLakeSinkOptions {
  /** Delivery stream name per lake table name (e.g. `{ events: 'sightline-events' }`). */
  readonly deliveryStreams: Readonly<Record<string, string>>;
  readonly client?: FirehoseClient;
  readonly retry?: BackoffOptions;
  readonly sleep?: Sleep;
}

const MAX_RECORDS = 500;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const MAX_RECORD_BYTES = 1000 * 1024;

/**
 * LakeSink over Kinesis Data Firehose: each row becomes one JSON line; the delivery stream
 * converts to Parquet with the Glue table's schema and partitions by `site_id` and `dt`
 * (extracted from the JSON). Only the records Firehose reports as failed are retried.
 *
 * @example
 * const sink = createFirehoseLakeSink({ deliveryStreams: { events: 'sightline-events', failed_events: 'sightline-failed' } });
 */
export function createFirehoseLakeSink(options: FirehoseLakeSinkOptions): LakeSink {
  const client = options.client ?? new FirehoseClient({});
  const retry = options.retry ?? { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 3_000 };
  const sleep = options.sleep ?? realSleep;

  const putChunk = async (stream: string, records: Uint8Array[], firstIndex: number): Promise<number[]> => {
    let pending = records.map((data, i) => ({ data, index: firstIndex + i }));
    for (let attempt = 1; pending.length > 0 && attempt <= retry.maxAttempts; attempt++) {
      if (attempt > 1) await sleep(backoffDelay(attempt - 2, retry));
      try {
        const response = await client.send(
          new PutRecordBatchCommand({ DeliveryStreamName: stream, Records: pending.map((p) => ({ Data: p.data })) }),
        );
        const results = response.RequestResponses ?? [];
        pending = pending.filter((_, i) => results[i]?.ErrorCode !== undefined);
      } catch (error) {
        if (attempt === retry.maxAttempts)
          throw new StorageError(`Firehose ${stream} refused the batch`, { cause: error });
      }
    }
    return pending.map((p) => p.index);
  };

  return {
    async write(table: LakeTable, rows: readonly LakeRow[]) {
      if (rows.length === 0) return;
      const stream = options.deliveryStreams[table.name];
      if (!stream) throw new StorageError(`no delivery stream configured for lake table ${table.name}`);
      const encoded = rows.map((row) => Buffer.from(`${JSON.stringify(row, jsonValue)}\n`));
      const failed: number[] = [];
      let start = 0;
      while (start < encoded.length) {
        let end = start;
        let bytes = 0;
        while (end < encoded.length && end - start < MAX_RECORDS) {
          const size = (encoded[end] as Uint8Array).byteLength;
          if (size > MAX_RECORD_BYTES) throw new StorageError(`row ${end} exceeds Firehose's 1,000 KiB record limit`);
          if (bytes + size > MAX_BATCH_BYTES) break;
          bytes += size;
          end++;
        }
        failed.push(...(await putChunk(stream, encoded.slice(start, end), start)));
        start = end;
      }
      if (failed.length > 0)
        throw new PartialWriteError(`${failed.length} rows were not accepted by ${stream}`, failed);
    },
  };
}

/** Timestamps as ISO strings (the Glue schema's `timestamp` reads them); bigints as numbers. */
function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  return value;
}
