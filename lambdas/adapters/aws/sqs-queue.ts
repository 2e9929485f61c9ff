import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PartialWriteError, ValidationError } from '../../core/errors';
import type { Queue, QueueMessageInput, ReceivedMessage, ReceiveOptions } from '../../ports/queue';
import { type BackoffOptions, sleep as realSleep, type Sleep } from './backoff';
import { type EntryFailure, sendBatchWithRetries } from './batch-retry';
import { toBatches } from './batches';
import { isSdkError, storageError } from './sdk-errors';

/**
 * SendMessageBatch takes 10 entries whose bodies together stay within 256 KiB. (SQS now accepts 1 MiB;
 * 256 KiB keeps the limit the local queue enforces.)
 */
const MAX_MESSAGES_PER_BATCH = 10;
const MAX_BODY_BYTES = 256 * 1024;
const MAX_BYTES_PER_BATCH = 256 * 1024;
const MAX_RECEIVE = 10;
const MAX_WAIT_SECONDS = 20;

export interface SqsQueueOptions {
  readonly queueUrl: string;
  /** Defaults to the queue's name, the last segment of its URL. */
  readonly name?: string;
  readonly client?: SQSClient;
  /** Retries of the entries SQS reports as failed through no fault of the sender. */
  readonly retry?: BackoffOptions;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

const DEFAULT_RETRY: BackoffOptions = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 };

/**
 * A `Queue` over an SQS standard queue. Redrive to the dead-letter queue is the queue's own
 * configuration (set by CDK), so this adapter only reports `receiveCount`.
 *
 * @example
 * const queue = createSqsQueue({ queueUrl: requireEnv(ENV.identityQueueUrl) });
 * await queue.send([{ body: JSON.stringify(job) }]);
 * for (const message of await queue.receive({ maxMessages: 10, waitTimeMs: 20_000 })) {
 *   await handle(message.body);
 *   await queue.delete(message.receiptHandle);
 * }
 */
export function createSqsQueue({
  queueUrl,
  name = queueUrl.split('/').at(-1) ?? queueUrl,
  client = new SQSClient({}),
  retry = DEFAULT_RETRY,
  sleep = realSleep,
  random = Math.random,
}: SqsQueueOptions): Queue {
  const sendBatch = async (messages: readonly QueueMessageInput[]): Promise<EntryFailure[]> => {
    const output = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, position) => ({
          Id: String(position),
          MessageBody: message.body,
          DelaySeconds: message.delaySeconds,
        })),
      }),
    );
    return (output.Failed ?? []).map((failure) => ({
      position: Number(failure.Id),
      // A sender fault (a malformed entry) fails the same way every time.
      retryable: !failure.SenderFault,
      reason: `${failure.Code}: ${failure.Message ?? ''}`,
    }));
  };

  return {
    name,

    async send(messages: readonly QueueMessageInput[]): Promise<void> {
      // SQS would refuse these; refuse the call before sending any.
      messages.forEach((message, index) => {
        if (Buffer.byteLength(message.body, 'utf8') > MAX_BODY_BYTES) {
          throw new ValidationError(`message exceeds ${MAX_BODY_BYTES} bytes`, `messages[${index}].body`);
        }
        const delay = message.delaySeconds ?? 0;
        if (!Number.isInteger(delay) || delay < 0 || delay > 900) {
          throw new ValidationError('delaySeconds must be an integer 0–900', `messages[${index}].delaySeconds`);
        }
      });
      const batches = toBatches(
        messages,
        { maxCount: MAX_MESSAGES_PER_BATCH, maxBytes: MAX_BYTES_PER_BATCH },
        (message) => Buffer.byteLength(message.body, 'utf8'),
      );
      const failed: number[] = [];
      const reasons: string[] = [];
      let cause: unknown;
      // A standard queue keeps no order, so a failed batch need not hold back the ones after it.
      for (const batch of batches) {
        const outcome = await sendBatchWithRetries(batch.items, sendBatch, { ...retry, sleep, random });
        failed.push(...outcome.failed.map((position) => batch.indexes[position]));
        if (outcome.failed.length > 0) reasons.push(...outcome.reasons);
        cause ??= outcome.cause;
      }
      if (failed.length === 0) return;
      throw new PartialWriteError(
        `${failed.length} of ${messages.length} messages were not sent to SQS queue ${name}: ${[...new Set(reasons)].slice(0, 3).join('; ')}`,
        failed,
        { cause },
      );
    },

    async receive({ maxMessages, visibilityTimeoutSeconds, waitTimeMs }: ReceiveOptions): Promise<ReceivedMessage[]> {
      if (!Number.isInteger(maxMessages) || maxMessages < 1) {
        throw new ValidationError('maxMessages must be a positive integer', 'maxMessages');
      }
      try {
        const output = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            // SQS hands out at most 10 a call; the port allows fewer than asked.
            MaxNumberOfMessages: Math.min(maxMessages, MAX_RECEIVE),
            MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
            VisibilityTimeout: visibilityTimeoutSeconds,
            // Whole seconds, rounded down: the port promises to wait *up to* waitTimeMs.
            WaitTimeSeconds:
              waitTimeMs === undefined ? undefined : Math.min(Math.floor(waitTimeMs / 1000), MAX_WAIT_SECONDS),
          }),
        );
        return (output.Messages ?? []).map((message) => ({
          messageId: message.MessageId ?? '',
          body: message.Body ?? '',
          receiptHandle: message.ReceiptHandle ?? '',
          receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
          sentAt: Number(message.Attributes?.SentTimestamp ?? 0),
        }));
      } catch (error) {
        throw storageError(`SQS ReceiveMessage ${name}`, error);
      }
    },

    async delete(receiptHandle: string): Promise<void> {
      try {
        await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }));
      } catch (error) {
        throw storageError(`SQS DeleteMessage ${name}`, error);
      }
    },

    async changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
      try {
        await client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: receiptHandle,
            VisibilityTimeout: visibilityTimeoutSeconds,
          }),
        );
      } catch (error) {
        if (isSdkError(error, 'ReceiptHandleIsInvalid') || isSdkError(error, 'MessageNotInflight')) {
          throw new ValidationError('receipt handle is not current', 'receiptHandle', { cause: error });
        }
        throw storageError(`SQS ChangeMessageVisibility ${name}`, error);
      }
    },

    async depth(): Promise<number> {
      try {
        const output = await client.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        const attributes = output.Attributes ?? {};
        return (
          Number(attributes.ApproximateNumberOfMessages ?? 0) +
          Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
        );
      } catch (error) {
        throw storageError(`SQS GetQueueAttributes ${name}`, error);
      }
    },
  };
}
