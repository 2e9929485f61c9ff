import { FirehoseClient, PutRecordBatchCommand, type PutRecordBatchCommandInput } from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import { createFirehoseLakeSink } from '../../../lambdas/adapters/aws/firehose-lake-sink';
import { PartialWriteError, StorageError } from '../../../lambdas/core/errors';
import { eventsTable, failedEventsTable } from '../../../lambdas/lake/tables';

const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    event_id: `e${i}`,
    site_id: 's1',
    dt: '2026-01-01',
    event_time: new Date(0),
  }));
const decode = (input: PutRecordBatchCommandInput) =>
  (input.Records ?? []).map(
    (r) => JSON.parse(Buffer.from(r.Data as Uint8Array).toString('utf8')) as { event_id: string },
  );

describe('Firehose lake sink', () => {
  const firehose = mockClient(FirehoseClient);
  const sink = () =>
    createFirehoseLakeSink({
      deliveryStreams: { events: 'sightline-events' },
      client: new FirehoseClient({}),
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
      sleep: async () => undefined,
    });
  beforeEach(() => firehose.reset());

  it('sends each row as one JSON line to the table’s delivery stream, 500 records at most per call', async () => {
    firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => ({
      FailedPutCount: 0,
      RequestResponses: (input.Records ?? []).map(() => ({ RecordId: 'r' })),
    }));
    await sink().write(eventsTable, rows(1_200), 'batch');
    const calls = firehose.commandCalls(PutRecordBatchCommand);
    expect(calls.map((c) => c.args[0].input.Records?.length)).toEqual([500, 500, 200]);
    expect(calls.every((c) => c.args[0].input.DeliveryStreamName === 'sightline-events')).toBe(true);
    const first = decode(calls[0]?.args[0].input as PutRecordBatchCommandInput)[0];
    expect(first).toMatchObject({
      event_id: 'e0',
      site_id: 's1',
      dt: '2026-01-01',
      event_time: '1970-01-01T00:00:00.000Z',
    });
  });

  it('retries only the records Firehose reported as failed', async () => {
    firehose
      .on(PutRecordBatchCommand)
      .resolvesOnce({
        FailedPutCount: 1,
        RequestResponses: [{ RecordId: 'a' }, { ErrorCode: 'ServiceUnavailableException' }, { RecordId: 'c' }],
      })
      .resolves({ FailedPutCount: 0, RequestResponses: [{ RecordId: 'b' }] });
    await sink().write(eventsTable, rows(3), 'batch');
    const second = firehose.commandCalls(PutRecordBatchCommand)[1]?.args[0].input as PutRecordBatchCommandInput;
    expect(decode(second).map((r) => r.event_id)).toEqual(['e1']);
  });

  it('throws PartialWriteError naming rows still failing after every attempt', async () => {
    firehose.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => ({
      FailedPutCount: 1,
      RequestResponses: (input.Records ?? []).map((r) =>
        Buffer.from(r.Data as Uint8Array)
          .toString()
          .includes('"e1"')
          ? { ErrorCode: 'InternalFailure' }
          : { RecordId: 'ok' },
      ),
    }));
    const error = await sink()
      .write(eventsTable, rows(3), 'batch')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialWriteError);
    expect((error as PartialWriteError).failedIndexes).toEqual([1]);
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(3);
  });

  it('refuses a table that has no delivery stream configured', async () => {
    await expect(sink().write(failedEventsTable, rows(1), 'batch')).rejects.toBeInstanceOf(StorageError);
  });
});
