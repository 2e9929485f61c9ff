import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { EventStream, StreamRecord } from '../ports/event-stream';
import type { Queue } from '../ports/queue';
import { createBackgroundPacer } from './background-pacer';

export type KinesisHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | undefined>;

/** The Kinesis event source mapping settings the local poller honours (same names as in CDK). */
export interface StreamPollerOptions {
  readonly stream: EventStream;
  readonly consumerName: string;
  readonly functionName: string;
  readonly handler: KinesisHandler;
  /** @default 100 */
  readonly batchSize?: number;
  /** Wait up to this long to fill a batch. @default 1000 */
  readonly maxBatchingWindowMs?: number;
  /** Retries of a failing batch before it goes to `onFailure`. @default 3 */
  readonly retryAttempts?: number;
  /** On-failure destination: receives a record of each batch that exhausted its retries. */
  readonly onFailure?: Queue;
  /** Sleep between empty polls. @default 200 */
  readonly idlePollMs?: number;
  readonly log?: (message: string, error?: unknown) => void;
  /**
   * Foreground work to yield to (the local HTTP server): while it is busy, batches take at most
   * `busyShare` of the time and the stream absorbs the burst. Locally only; in AWS the consumer
   * runs apart from the collector.
   */
  readonly yieldTo?: { busy(): boolean };
  /** @default 0.1 */
  readonly busyShare?: number;
}

interface ShardState {
  attempts: number;
  /** The size of the batch being retried. */
  retryLimit?: number;
  firstSeenAt?: number;
}

/** Wait before the `outages`-th retry of a stream or queue that failed: 0.5 s, doubling, at most 30 s. */
export function outageBackoffMs(outages: number): number {
  return Math.min(500 * 2 ** Math.max(0, outages - 1), 30_000);
}

export interface Poller {
  start(): void;
  /** Stops polling after the batch in flight finishes. */
  stop(): Promise<void>;
}

/**
 * Plays the Lambda event source mapping for a Kinesis stream: per shard, in order, it reads
 * batches after the checkpoint, invokes the handler with a `KinesisStreamEvent`, honours
 * `batchItemFailures` (checkpoint up to the first failure, retry from there), and after
 * `retryAttempts` sends the batch's coordinates to the on-failure destination and moves on.
 */
export function createStreamPoller(options: StreamPollerOptions): Poller {
  const batchSize = options.batchSize ?? 100;
  const windowMs = options.maxBatchingWindowMs ?? 1_000;
  const retryAttempts = options.retryAttempts ?? 3;
  const idlePollMs = options.idlePollMs ?? 200;
  const log = options.log ?? ((m, e) => console.error(m, e ?? ''));
  const consumer = options.stream.consumer(options.consumerName);
  let running = false;
  let loops: Promise<void>[] = [];

  const pacer = createBackgroundPacer({
    ...(options.yieldTo ? { yieldTo: options.yieldTo } : {}),
    ...(options.busyShare !== undefined ? { busyShare: options.busyShare } : {}),
    running: () => running,
  });

  const pollShard = async (shardId: string): Promise<void> => {
    const state: ShardState = { attempts: 0 };
    let outages = 0;
    while (running) {
      const done = await pacer.turn();
      let pauseMs: number;
      try {
        pauseMs = await step(shardId, state);
        outages = 0;
      } catch (error) {
        // The stream itself failed (a read, a checkpoint, the failure destination): nothing was
        // checkpointed past what succeeded, so the batch is read again once the stream answers.
        outages += 1;
        pauseMs = outageBackoffMs(outages);
        log(`${options.functionName}: shard ${shardId} unavailable, retrying in ${pauseMs} ms`, error);
      } finally {
        done();
      }
      if (pauseMs > 0) await sleep(pauseMs);
    }
  };

  /** Reads and handles one batch of the shard; returns how long to wait before the next. */
  const step = async (shardId: string, state: ShardState): Promise<number> => {
    // A retry reads the very batch that failed: its lake file and event-id claims are named after it.
    const size = state.retryLimit ?? batchSize;
    const records = await consumer.read(shardId, size);
    if (records.length === 0) return idlePollMs;
    // Batching window: wait for a full batch, but no longer than the window since first sight.
    state.firstSeenAt ??= Date.now();
    if (records.length < size && Date.now() - state.firstSeenAt < windowMs) {
      return Math.min(idlePollMs, windowMs - (Date.now() - state.firstSeenAt));
    }
    state.firstSeenAt = undefined;
    state.retryLimit = undefined;
    const failedFrom = await invoke(records);
    if (failedFrom === undefined) {
      await consumer.checkpoint(shardId, (records.at(-1) as StreamRecord).sequenceNumber);
      state.attempts = 0;
      return 0;
    }
    const index = records.findIndex((r) => r.sequenceNumber === failedFrom);
    if (index > 0) {
      await consumer.checkpoint(shardId, (records[index - 1] as StreamRecord).sequenceNumber);
      state.attempts = 0;
      return 0;
    }
    state.attempts += 1;
    if (state.attempts > retryAttempts) {
      await sendToFailureDestination(records, shardId);
      await consumer.checkpoint(shardId, (records.at(-1) as StreamRecord).sequenceNumber);
      state.attempts = 0;
      return 0;
    }
    state.retryLimit = records.length;
    return Math.min(100 * 2 ** state.attempts, 5_000);
  };

  /** Returns the sequence number to retry from, or undefined when the whole batch succeeded. */
  const invoke = async (records: StreamRecord[]): Promise<string | undefined> => {
    try {
      const response = await options.handler(toKinesisEvent(records, options.functionName));
      const failures = response?.batchItemFailures ?? [];
      if (failures.length === 0) return undefined;
      const failedIds = new Set(failures.map((f) => f.itemIdentifier));
      return records.find((r) => failedIds.has(r.sequenceNumber))?.sequenceNumber ?? records[0]?.sequenceNumber;
    } catch (error) {
      log(`${options.functionName} failed on a batch of ${records.length}`, error);
      return records[0]?.sequenceNumber;
    }
  };

  const sendToFailureDestination = async (records: StreamRecord[], shardId: string) => {
    if (!options.onFailure) {
      log(`${options.functionName}: dropping a batch after ${retryAttempts} retries (no on-failure destination)`);
      return;
    }
    const first = records[0] as StreamRecord;
    const last = records.at(-1) as StreamRecord;
    await options.onFailure.send([
      {
        body: JSON.stringify({
          requestContext: { functionArn: options.functionName, condition: 'RetryAttemptsExhausted' },
          KinesisBatchInfo: {
            shardId,
            startSequenceNumber: first.sequenceNumber,
            endSequenceNumber: last.sequenceNumber,
            batchSize: records.length,
          },
          // Locally the records themselves are kept too, so nothing accepted is lost.
          records: records.map((r) => ({ partitionKey: r.partitionKey, data: Buffer.from(r.data).toString('base64') })),
        }),
      },
    ]);
  };

  return {
    start() {
      if (running) return;
      running = true;
      loops = [];
      void consumer.shardIds().then((ids) => {
        loops = ids.map((id) =>
          pollShard(id).catch((error) => {
            log(`${options.functionName}: poller for ${id} stopped`, error);
          }),
        );
      });
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

function toKinesisEvent(records: readonly StreamRecord[], functionName: string): KinesisStreamEvent {
  return {
    Records: records.map(
      (r): KinesisStreamRecord => ({
        awsRegion: 'local',
        eventID: `${r.shardId}:${r.sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        eventSource: 'aws:kinesis',
        eventSourceARN: `arn:aws:kinesis:local:000000000000:stream/${functionName}`,
        eventVersion: '1.0',
        invokeIdentityArn: 'local',
        kinesis: {
          approximateArrivalTimestamp: r.arrivedAt / 1000,
          data: Buffer.from(r.data).toString('base64'),
          kinesisSchemaVersion: '1.0',
          partitionKey: r.partitionKey,
          sequenceNumber: r.sequenceNumber,
        },
      }),
    ),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
