import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Queue, ReceivedMessage } from '../ports/queue';
import { outageBackoffMs, type Poller } from './stream-poller';

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface QueuePollerOptions {
  readonly queue: Queue;
  readonly functionName: string;
  readonly handler: SqsHandler;
  /** @default 10 */
  readonly batchSize?: number;
  /** Long-poll wait, also the batching window. @default 1000 */
  readonly maxBatchingWindowMs?: number;
  readonly log?: (message: string, error?: unknown) => void;
}

/**
 * Plays the Lambda event source mapping for an SQS queue: receives a batch, invokes the handler
 * with an `SQSEvent`, deletes the messages that succeeded (all but `batchItemFailures`; none if
 * the handler throws). Failed messages reappear after their visibility timeout and move to the
 * queue's dead-letter queue after its maxReceiveCount. A queue that fails (a full disk) is retried
 * with a growing pause rather than ending the poller.
 */
export function createQueuePoller(options: QueuePollerOptions): Poller {
  const batchSize = options.batchSize ?? 10;
  const windowMs = options.maxBatchingWindowMs ?? 1_000;
  const log = options.log ?? ((m, e) => console.error(m, e ?? ''));
  let running = false;
  let loop: Promise<void> | undefined;

  const poll = async () => {
    const messages = await options.queue.receive({ maxMessages: batchSize, waitTimeMs: windowMs });
    if (messages.length === 0) return;
    let failed = new Set(messages.map((m) => m.messageId));
    try {
      const response = await options.handler(toSqsEvent(messages, options.queue.name));
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      log(`${options.functionName} failed on a batch of ${messages.length}`, error);
    }
    for (const m of messages) {
      if (!failed.has(m.messageId)) await options.queue.delete(m.receiptHandle);
    }
  };

  const run = async () => {
    let outages = 0;
    while (running) {
      try {
        await poll();
        outages = 0;
      } catch (error) {
        // The queue itself failed (a receive or a delete): what was not deleted comes back after its
        // visibility timeout, so polling goes on once the queue answers again.
        outages += 1;
        const pauseMs = outageBackoffMs(outages);
        log(`${options.functionName}: queue ${options.queue.name} unavailable, retrying in ${pauseMs} ms`, error);
        for (let waited = 0; running && waited < pauseMs; waited += 100) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      loop = run().catch((error) => log(`${options.functionName}: poller stopped`, error));
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

function toSqsEvent(messages: readonly ReceivedMessage[], queueName: string): SQSEvent {
  return {
    Records: messages.map(
      (m): SQSRecord => ({
        messageId: m.messageId,
        receiptHandle: m.receiptHandle,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:local:000000000000:${queueName}`,
        awsRegion: 'local',
      }),
    ),
  };
}
