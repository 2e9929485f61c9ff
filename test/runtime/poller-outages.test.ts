import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import type { EventStream, StreamRecord } from '../../lambdas/ports/event-stream';
import type { Queue, ReceivedMessage } from '../../lambdas/ports/queue';
import { createQueuePoller } from '../../lambdas/runtime/queue-poller';
import { createStreamPoller, outageBackoffMs } from '../../lambdas/runtime/stream-poller';

/** Waits until `done()` holds, polling every 20 ms, for at most `ms`. */
async function eventually(done: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!done() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A queue holding one message whose first `outages` receives fail, as a full disk would. */
function flakyQueue(outages: number) {
  let failures = 0;
  let message: ReceivedMessage | undefined = {
    messageId: 'm-1',
    body: '{"hello":"world"}',
    receiptHandle: 'r-1',
    receiveCount: 1,
    sentAt: Date.now(),
  };
  const queue: Queue = {
    name: 'work',
    send: async () => {},
    receive: async ({ waitTimeMs = 0 }) => {
      if (failures < outages) {
        failures++;
        throw new Error('ENOSPC: no space left on device');
      }
      if (message) return [message];
      await new Promise((resolve) => setTimeout(resolve, waitTimeMs)); // long polling, as SQS does
      return [];
    },
    delete: async () => {
      message = undefined;
    },
    changeVisibility: async () => {},
    depth: async () => (message ? 1 : 0),
  };
  return { queue, deleted: () => message === undefined };
}

/** A stream of one record whose first `outages` reads fail. */
function flakyStream(outages: number) {
  let failures = 0;
  let checkpoint: string | undefined;
  const record: StreamRecord = {
    shardId: 'shard-0',
    sequenceNumber: '1',
    partitionKey: 'k',
    data: new TextEncoder().encode('{}'),
    arrivedAt: Date.now(),
  };
  const stream: EventStream = {
    put: async () => {},
    consumer: () => ({
      shardIds: async () => ['shard-0'],
      read: async () => {
        if (failures < outages) {
          failures++;
          throw new Error('EIO: i/o error');
        }
        return checkpoint === undefined ? [record] : [];
      },
      checkpoint: async (_shard, sequenceNumber) => {
        checkpoint = sequenceNumber;
      },
    }),
  };
  return { stream, checkpointed: () => checkpoint };
}

describe('local pollers when their queue or stream fails', () => {
  it('keeps polling a queue whose receives fail, and delivers its message once it answers', async () => {
    // Prepare
    const { queue, deleted } = flakyQueue(2);
    const handled: SQSEvent[] = [];
    const logged: string[] = [];
    const poller = createQueuePoller({
      queue,
      functionName: 'resolve-identity',
      handler: async (event) => {
        handled.push(event);
        return { batchItemFailures: [] };
      },
      maxBatchingWindowMs: 10,
      log: (message) => logged.push(message),
    });

    // Act
    poller.start();
    await eventually(deleted);
    await poller.stop();

    // Assess
    expect(handled.map((e) => e.Records.map((r) => r.body))).toEqual([['{"hello":"world"}']]);
    expect(deleted()).toBe(true);
    expect(logged.filter((m) => m.includes('unavailable'))).toHaveLength(2);
  });

  it('keeps polling a stream whose reads fail, and checkpoints its record once it answers', async () => {
    // Prepare
    const { stream, checkpointed } = flakyStream(2);
    const handled: KinesisStreamEvent[] = [];
    const logged: string[] = [];
    const poller = createStreamPoller({
      stream,
      consumerName: 'enrich',
      functionName: 'enrich',
      handler: async (event) => {
        handled.push(event);
        return { batchItemFailures: [] };
      },
      maxBatchingWindowMs: 0,
      idlePollMs: 10,
      log: (message) => logged.push(message),
    });

    // Act
    poller.start();
    await eventually(() => checkpointed() !== undefined);
    await poller.stop();

    // Assess
    expect(handled).toHaveLength(1);
    expect(checkpointed()).toBe('1');
    expect(logged.filter((m) => m.includes('unavailable'))).toHaveLength(2);
  });

  it('waits longer after each failure in a row, up to 30 seconds', () => {
    expect([1, 2, 3, 7, 20].map(outageBackoffMs)).toEqual([500, 1_000, 2_000, 30_000, 30_000]);
  });
});
