import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Queue, ReceivedMessage } from '../ports/queue';
import type { Poller } from './stream-poller';

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
 * queue's dead-letter queue after its maxReceiveCount.
 */
export function createQueuePoller(options: QueuePollerOptions): Poller {
  const batchSize = options.batchSize ?? 10;
  const windowMs = options.maxBatchingWindowMs ?? 1_000;
  const log = options.log ?? ((m, e) => console.error(m, e ?? ''));
  let running = false;
  let loop: Promise<void> | undefined;

  const run = async () => {
    while (running) {
      const messages = await options.queue.receive({ maxMessages: batchSize, waitTimeMs: windowMs });
      if (messages.length === 0) continue;
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
