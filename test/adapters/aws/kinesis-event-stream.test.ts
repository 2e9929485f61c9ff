import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { createKinesisEventStream } from '../../../lambdas/adapters/aws/kinesis-event-stream';
import { envelopeRecords } from '../../../lambdas/collection/stream-records';
import { ConfigError, PartialWriteError, ValidationError } from '../../../lambdas/core/errors';
import { decodeEnvelopes } from '../../../lambdas/pipeline/decode-envelopes';
import type { StreamRecordInput } from '../../../lambdas/ports/event-stream';
import { kinesisRecord, pageEnvelope } from '../../support/stream-envelopes';
import { recordingSleep } from './support/recording-sleep';

const record = (i: number, bytes = 10): StreamRecordInput => ({
  partitionKey: `visitor-${i}`,
  data: new Uint8Array(bytes).fill(i % 256),
});

/** Answers a PutRecords with success for every record except those at `failing` positions. */
const answer = (input: PutRecordsCommandInput, failing: (position: number) => boolean) => {
  const records = (input.Records ?? []).map((_, position) =>
    failing(position)
      ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' }
      : { SequenceNumber: `${position}`, ShardId: 'shardId-000000000000' },
  );
  return { FailedRecordCount: records.filter((r) => 'ErrorCode' in r).length, Records: records };
};

describe('Kinesis event stream: put', () => {
  const client = new KinesisClient({});
  const kinesis = mockClient(client);
  let clock: ReturnType<typeof recordingSleep>;
  const open = (maxAttempts = 4) =>
    createKinesisEventStream({
      streamName: 'events',
      client,
      retry: { maxAttempts, baseDelayMs: 100, maxDelayMs: 1_000 },
      sleep: clock.sleep,
      random: () => 0.5,
    });

  beforeEach(() => {
    kinesis.reset();
    clock = recordingSleep();
  });

  const sentPartitionKeys = () =>
    kinesis
      .commandCalls(PutRecordsCommand)
      .map((call) => (call.args[0].input.Records ?? []).map((r) => r.PartitionKey));

  it('writes a request’s envelopes as one record per visitor, which the enrich handler reads back', async () => {
    // Prepare
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input, () => false));
    const envelope = (id: string, visitor: string) => pageEnvelope(id, { anonymousId: visitor });

    // Act
    await open().put(envelopeRecords([envelope('a', 'v1'), envelope('b', 'v1'), envelope('c', 'v2')]));

    // Assess: two entries, each decodable by the consumer into its envelopes.
    const sent = kinesis.commandCalls(PutRecordsCommand).flatMap((call) => call.args[0].input.Records ?? []);
    expect(sent.map((r) => r.PartitionKey)).toEqual(['site-1:v1', 'site-1:v2']);
    const { events } = decodeEnvelopes(
      sent.map((r, i) => kinesisRecord(r.Data as Uint8Array, String(i), r.PartitionKey)),
      0,
    );
    expect(events.map((e) => e.event.eventId)).toEqual(['a', 'b', 'c']);
  });

  it('writes records with PutRecords to the stream, keeping their order', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input, () => false));

    await open().put([record(1), record(2)]);

    const [call] = kinesis.commandCalls(PutRecordsCommand);
    expect(call?.args[0].input).toEqual({
      StreamName: 'events',
      Records: [
        { PartitionKey: 'visitor-1', Data: record(1).data },
        { PartitionKey: 'visitor-2', Data: record(2).data },
      ],
    });
  });

  it('splits more than 500 records into requests of at most 500', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input, () => false));

    await open().put(Array.from({ length: 1_201 }, (_, i) => record(i)));

    expect(sentPartitionKeys().map((keys) => keys.length)).toEqual([500, 500, 201]);
  });

  it('splits requests so that none exceeds 5 MB', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input, () => false));
    const nearlyOneMiB = 1024 * 1024 - 100;

    await open().put(Array.from({ length: 7 }, (_, i) => record(i, nearlyOneMiB)));

    expect(sentPartitionKeys().map((keys) => keys.length)).toEqual([5, 2]);
  });

  it('retries only the records Kinesis reported as failed', async () => {
    kinesis
      .on(PutRecordsCommand)
      .callsFakeOnce((input: PutRecordsCommandInput) => answer(input, (position) => position === 1 || position === 3))
      .callsFake((input: PutRecordsCommandInput) => answer(input, () => false));

    await open().put([record(0), record(1), record(2), record(3)]);

    expect(sentPartitionKeys()).toEqual([
      ['visitor-0', 'visitor-1', 'visitor-2', 'visitor-3'],
      ['visitor-1', 'visitor-3'],
    ]);
  });

  it('waits with exponential backoff and jitter between retries', async () => {
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => answer(input, () => true));

    await expect(open(4).put([record(0)])).rejects.toThrow(PartialWriteError);

    // random() = 0.5 of a ceiling that doubles from 100 ms.
    expect(clock.delays).toEqual([50, 100, 200]);
  });

  it('throws PartialWriteError naming the records still failing after retries', async () => {
    kinesis
      .on(PutRecordsCommand)
      .callsFake((input: PutRecordsCommandInput) =>
        answer(input, (position) => input.Records?.[position]?.PartitionKey === 'visitor-2'),
      );

    const failure = open(3).put([record(0), record(1), record(2)]);

    await expect(failure).rejects.toBeInstanceOf(PartialWriteError);
    await expect(failure).rejects.toMatchObject({
      failedIndexes: [2],
      message: expect.stringContaining('ProvisionedThroughputExceededException'),
    });
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(3);
  });

  it('stops at a request that could not be written whole and names the records of later requests too', async () => {
    kinesis
      .on(PutRecordsCommand)
      .callsFake((input: PutRecordsCommandInput) =>
        answer(input, (position) => input.Records?.[position]?.PartitionKey === 'visitor-10'),
      );

    const failure = open(2).put(Array.from({ length: 600 }, (_, i) => record(i)));

    await expect(failure).rejects.toMatchObject({
      failedIndexes: [10, ...Array.from({ length: 100 }, (_, i) => 500 + i)],
    });
    expect(sentPartitionKeys().map((keys) => keys.length)).toEqual([500, 1]);
  });

  it('names every record of a request the SDK could not send, keeping the SDK error as cause', async () => {
    const outage = Object.assign(new Error('stream not found'), { name: 'ResourceNotFoundException' });
    kinesis.on(PutRecordsCommand).rejects(outage);

    const failure = open().put([record(0), record(1)]);

    await expect(failure).rejects.toMatchObject({ name: 'PartialWriteError', failedIndexes: [0, 1], cause: outage });
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(1);
  });

  it('rejects an oversized record naming it, before sending anything', async () => {
    const failure = open().put([record(0), { partitionKey: 'p', data: new Uint8Array(1024 * 1024 + 1) }]);

    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toMatchObject({ field: 'records[1].data' });
    expect(kinesis.calls()).toHaveLength(0);
  });

  it('rejects an empty or over-long partition key naming it', async () => {
    await expect(open().put([{ partitionKey: '', data: new Uint8Array(1) }])).rejects.toMatchObject({
      field: 'records[0].partitionKey',
    });
    await expect(open().put([{ partitionKey: 'k'.repeat(257), data: new Uint8Array(1) }])).rejects.toThrow(
      ValidationError,
    );
    expect(kinesis.calls()).toHaveLength(0);
  });

  it('sends nothing for an empty put', async () => {
    await open().put([]);

    expect(kinesis.calls()).toHaveLength(0);
  });

  it('refuses to make a consumer without a checkpoint store', () => {
    expect(() => open().consumer('replay')).toThrow(ConfigError);
  });
});
