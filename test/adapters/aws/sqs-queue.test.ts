import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  MessageNotInflight,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { createSqsQueue } from '../../../lambdas/adapters/aws/sqs-queue';
import { PartialWriteError, ValidationError } from '../../../lambdas/core/errors';
import { recordingSleep } from './support/recording-sleep';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/sightline-identity';

/** Answers a SendMessageBatch, failing the entries whose body `fails` picks. */
const answer = (input: SendMessageBatchCommandInput, fails: (body: string) => 'retryable' | 'sender' | false) => {
  const entries = input.Entries ?? [];
  return {
    Successful: entries
      .filter((entry) => !fails(entry.MessageBody ?? ''))
      .map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}`, MD5OfMessageBody: '' })),
    Failed: entries
      .filter((entry) => fails(entry.MessageBody ?? ''))
      .map((entry) => ({
        Id: entry.Id,
        SenderFault: fails(entry.MessageBody ?? '') === 'sender',
        Code: fails(entry.MessageBody ?? '') === 'sender' ? 'InvalidMessageContents' : 'InternalError',
        Message: 'failed',
      })),
  };
};

describe('SQS queue', () => {
  const client = new SQSClient({});
  const sqs = mockClient(client);
  let clock: ReturnType<typeof recordingSleep>;
  const open = () =>
    createSqsQueue({
      queueUrl: QUEUE_URL,
      client,
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
      sleep: clock.sleep,
      random: () => 1,
    });
  const sentBodies = () =>
    sqs
      .commandCalls(SendMessageBatchCommand)
      .map((call) => (call.args[0].input.Entries ?? []).map((e) => e.MessageBody));

  beforeEach(() => {
    sqs.reset();
    clock = recordingSleep();
  });

  it('takes its name from the queue URL', () => {
    expect(open().name).toBe('sightline-identity');
  });

  it('sends messages with SendMessageBatch in chunks of 10, with their delays', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => answer(input, () => false));

    await open().send(
      Array.from({ length: 23 }, (_, i) => ({ body: `job-${i}`, delaySeconds: i === 0 ? 30 : undefined })),
    );

    expect(sentBodies().map((bodies) => bodies.length)).toEqual([10, 10, 3]);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries?.[0]).toEqual({
      Id: '0',
      MessageBody: 'job-0',
      DelaySeconds: 30,
    });
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.QueueUrl).toBe(QUEUE_URL);
  });

  it('retries only the entries SQS reported as failed', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .callsFakeOnce((input: SendMessageBatchCommandInput) => answer(input, (body) => body === 'b' && 'retryable'))
      .callsFake((input: SendMessageBatchCommandInput) => answer(input, () => false));

    await open().send([{ body: 'a' }, { body: 'b' }, { body: 'c' }]);

    expect(sentBodies()).toEqual([['a', 'b', 'c'], ['b']]);
    expect(clock.delays).toEqual([100]);
  });

  it('throws PartialWriteError naming the messages still failing after retries', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .callsFake((input: SendMessageBatchCommandInput) => answer(input, (body) => body === 'b' && 'retryable'));

    const failure = open().send([{ body: 'a' }, { body: 'b' }, { body: 'c' }]);

    await expect(failure).rejects.toBeInstanceOf(PartialWriteError);
    await expect(failure).rejects.toMatchObject({
      failedIndexes: [1],
      message: expect.stringContaining('InternalError'),
    });
    expect(sentBodies()).toEqual([['a', 'b', 'c'], ['b'], ['b']]);
  });

  it("does not retry an entry SQS refused through the sender's fault", async () => {
    sqs
      .on(SendMessageBatchCommand)
      .callsFake((input: SendMessageBatchCommandInput) => answer(input, (body) => body === 'bad' && 'sender'));

    await expect(open().send([{ body: 'ok' }, { body: 'bad' }])).rejects.toMatchObject({ failedIndexes: [1] });
    expect(sentBodies()).toEqual([['ok', 'bad']]);
  });

  it('names the messages of later chunks correctly in the caller array', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .callsFake((input: SendMessageBatchCommandInput) => answer(input, (body) => body === 'job-12' && 'sender'));

    await expect(open().send(Array.from({ length: 15 }, (_, i) => ({ body: `job-${i}` })))).rejects.toMatchObject({
      failedIndexes: [12],
    });
  });

  it('rejects an oversized body naming the message, before sending anything', async () => {
    const failure = open().send([{ body: 'ok' }, { body: 'x'.repeat(256 * 1024 + 1) }]);

    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toMatchObject({ field: 'messages[1].body' });
    expect(sqs.calls()).toHaveLength(0);
  });

  it('receives with the receive-count and sent-time attributes, long polling and a visibility timeout', async () => {
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        {
          MessageId: 'm-1',
          Body: '{"job":1}',
          ReceiptHandle: 'handle-1',
          Attributes: { ApproximateReceiveCount: '3', SentTimestamp: '1700000000000' },
        },
      ],
    });

    const messages = await open().receive({ maxMessages: 5, visibilityTimeoutSeconds: 60, waitTimeMs: 20_000 });

    expect(messages).toEqual([
      { messageId: 'm-1', body: '{"job":1}', receiptHandle: 'handle-1', receiveCount: 3, sentAt: 1_700_000_000_000 },
    ]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      MaxNumberOfMessages: 5,
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      VisibilityTimeout: 60,
      WaitTimeSeconds: 20,
    });
  });

  it('asks for at most 10 messages and waits no longer than asked', async () => {
    sqs.on(ReceiveMessageCommand).resolves({});

    expect(await open().receive({ maxMessages: 50, waitTimeMs: 1_500 })).toEqual([]);

    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
    });
  });

  it('deletes a message by its receipt handle', async () => {
    sqs.on(DeleteMessageCommand).resolves({});

    await open().delete('handle-1');

    expect(sqs.commandCalls(DeleteMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      ReceiptHandle: 'handle-1',
    });
  });

  it('changes the visibility timeout of a received message', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});

    await open().changeVisibility('handle-1', 0);

    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      ReceiptHandle: 'handle-1',
      VisibilityTimeout: 0,
    });
  });

  it('reports a receipt handle that is no longer current as a ValidationError', async () => {
    sqs.on(ChangeMessageVisibilityCommand).rejects(new MessageNotInflight({ message: 'not in flight', $metadata: {} }));

    await expect(open().changeVisibility('stale', 10)).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'receiptHandle',
    });
  });

  it('reports depth as the visible plus the in-flight messages', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: { ApproximateNumberOfMessages: '7', ApproximateNumberOfMessagesNotVisible: '3' },
    });

    expect(await open().depth()).toBe(10);
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    });
  });

  it('wraps a failed receive in a StorageError', async () => {
    sqs.on(ReceiveMessageCommand).rejects(Object.assign(new Error('gone'), { name: 'QueueDoesNotExist' }));

    await expect(open().receive({ maxMessages: 1 })).rejects.toMatchObject({ name: 'StorageError' });
  });
});
