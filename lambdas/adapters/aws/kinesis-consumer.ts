import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { compareSequenceNumbers, type StreamConsumer, type StreamRecord } from '../../ports/event-stream';
import type { KeyValue } from '../../ports/key-value';
import { storageError } from './sdk-errors';

/** GetRecords returns at most 10,000 records a call. */
const MAX_RECORDS_PER_CALL = 10_000;
/**
 * GetRecords may answer empty while it walks past empty stretches of a shard; a read makes up to this
 * many calls before answering with what it has.
 */
const MAX_CALLS_PER_READ = 5;

export interface KinesisConsumerOptions {
  readonly name: string;
  readonly streamName: string;
  readonly client: KinesisClient;
  readonly checkpoints: KeyValue;
}

/** The checkpoint record of a consumer's shard in the `KeyValue` store. */
export function checkpointKey(consumer: string, shardId: string): string {
  return `stream-checkpoint#${consumer}#${shardId}`;
}

/**
 * A polling consumer of a Kinesis stream for tools (in Lambda the event source mapping consumes the
 * stream). Each `read` starts from the consumer's checkpoint: after it, or at the oldest record kept.
 *
 * @example
 * const consumer = createKinesisEventStream({ streamName, checkpoints: kv }).consumer('replay');
 * for (const shardId of await consumer.shardIds()) {
 *   const records = await consumer.read(shardId, 100);
 *   // ...process...
 *   const last = records.at(-1);
 *   if (last) await consumer.checkpoint(shardId, last.sequenceNumber);
 * }
 */
export function createKinesisConsumer({
  name,
  streamName,
  client,
  checkpoints,
}: KinesisConsumerOptions): StreamConsumer {
  const lastCheckpoint = async (shardId: string): Promise<string | undefined> => {
    const value = await checkpoints.get(checkpointKey(name, shardId));
    return typeof value === 'string' ? value : undefined;
  };

  return {
    async shardIds(): Promise<string[]> {
      const ids: string[] = [];
      let nextToken: string | undefined;
      try {
        do {
          // ListShards refuses StreamName together with NextToken.
          const output = await client.send(
            new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }),
          );
          for (const shard of output.Shards ?? []) if (shard.ShardId) ids.push(shard.ShardId);
          nextToken = output.NextToken;
        } while (nextToken);
      } catch (error) {
        throw storageError(`Kinesis ListShards ${streamName}`, error);
      }
      return ids;
    },

    async read(shardId: string, limit: number): Promise<StreamRecord[]> {
      const after = await lastCheckpoint(shardId);
      const position: GetShardIteratorCommandInput = after
        ? {
            StreamName: streamName,
            ShardId: shardId,
            ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
            StartingSequenceNumber: after,
          }
        : { StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' };
      const records: StreamRecord[] = [];
      try {
        let iterator = (await client.send(new GetShardIteratorCommand(position))).ShardIterator;
        for (let call = 0; iterator && records.length < limit && call < MAX_CALLS_PER_READ; call++) {
          const output = await client.send(
            new GetRecordsCommand({
              ShardIterator: iterator,
              Limit: Math.min(limit - records.length, MAX_RECORDS_PER_CALL),
            }),
          );
          for (const record of output.Records ?? []) {
            records.push({
              shardId,
              sequenceNumber: record.SequenceNumber ?? '',
              partitionKey: record.PartitionKey ?? '',
              data: record.Data ?? new Uint8Array(),
              arrivedAt: record.ApproximateArrivalTimestamp?.getTime() ?? 0,
            });
          }
          // Caught up with the tip: asking again would only return nothing.
          if (output.MillisBehindLatest === 0) break;
          iterator = output.NextShardIterator;
        }
      } catch (error) {
        throw storageError(`Kinesis read of ${streamName}/${shardId}`, error);
      }
      return records;
    },

    async checkpoint(shardId: string, sequenceNumber: string): Promise<void> {
      const current = await lastCheckpoint(shardId);
      // Never move a checkpoint backwards: that would deliver processed records again.
      if (current !== undefined && compareSequenceNumbers(current, sequenceNumber) >= 0) return;
      await checkpoints.put(checkpointKey(name, shardId), sequenceNumber);
    },
  };
}
