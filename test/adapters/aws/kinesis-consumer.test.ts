import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { createKinesisEventStream } from '../../../lambdas/adapters/aws/kinesis-event-stream';
import { ValidationError } from '../../../lambdas/core/errors';
import { memoryKeyValue } from './support/memory-key-value';

const kinesisRecord = (sequence: string) => ({
  SequenceNumber: sequence,
  PartitionKey: `visitor-${sequence}`,
  Data: new TextEncoder().encode(`event ${sequence}`),
  ApproximateArrivalTimestamp: new Date(1_700_000_000_000 + Number(sequence)),
});

describe('Kinesis event stream: consumer', () => {
  const client = new KinesisClient({});
  const kinesis = mockClient(client);
  let checkpoints: ReturnType<typeof memoryKeyValue>;
  const consumer = (name = 'replay') =>
    createKinesisEventStream({ streamName: 'events', client, checkpoints }).consumer(name);

  beforeEach(() => {
    kinesis.reset();
    checkpoints = memoryKeyValue();
    kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'iterator-1' });
  });

  it('lists every shard across ListShards pages', async () => {
    kinesis
      .on(ListShardsCommand)
      .resolvesOnce({
        Shards: [{ ShardId: 'shardId-0', HashKeyRange: undefined, SequenceNumberRange: undefined }],
        NextToken: 'more',
      })
      .resolvesOnce({ Shards: [{ ShardId: 'shardId-1', HashKeyRange: undefined, SequenceNumberRange: undefined }] });

    expect(await consumer().shardIds()).toEqual(['shardId-0', 'shardId-1']);
    // ListShards refuses StreamName together with NextToken.
    expect(kinesis.commandCalls(ListShardsCommand).map((call) => call.args[0].input)).toEqual([
      { StreamName: 'events' },
      { NextToken: 'more' },
    ]);
  });

  it('reads from the oldest record (TRIM_HORIZON) when the consumer has no checkpoint', async () => {
    kinesis.on(GetRecordsCommand).resolves({ Records: [kinesisRecord('1')], MillisBehindLatest: 0 });

    const records = await consumer().read('shardId-0', 10);

    expect(kinesis.commandCalls(GetShardIteratorCommand)[0]?.args[0].input).toEqual({
      StreamName: 'events',
      ShardId: 'shardId-0',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    expect(records).toEqual([
      {
        shardId: 'shardId-0',
        sequenceNumber: '1',
        partitionKey: 'visitor-1',
        data: new TextEncoder().encode('event 1'),
        arrivedAt: 1_700_000_000_001,
      },
    ]);
  });

  it("reads after the consumer's checkpointed sequence number", async () => {
    checkpoints.entries.set('stream-checkpoint#replay#shardId-0', '49590');
    kinesis.on(GetRecordsCommand).resolves({ Records: [], MillisBehindLatest: 0 });

    await consumer().read('shardId-0', 10);

    expect(kinesis.commandCalls(GetShardIteratorCommand)[0]?.args[0].input).toEqual({
      StreamName: 'events',
      ShardId: 'shardId-0',
      ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
      StartingSequenceNumber: '49590',
    });
  });

  it('keeps reading pages until it has the limit, asking only for what is missing', async () => {
    kinesis
      .on(GetRecordsCommand)
      .resolvesOnce({
        Records: [kinesisRecord('1'), kinesisRecord('2')],
        NextShardIterator: 'iterator-2',
        MillisBehindLatest: 500,
      })
      .resolvesOnce({ Records: [kinesisRecord('3')], NextShardIterator: 'iterator-3', MillisBehindLatest: 100 });

    const records = await consumer().read('shardId-0', 3);

    expect(records.map((r) => r.sequenceNumber)).toEqual(['1', '2', '3']);
    expect(kinesis.commandCalls(GetRecordsCommand).map((call) => call.args[0].input)).toEqual([
      { ShardIterator: 'iterator-1', Limit: 3 },
      { ShardIterator: 'iterator-2', Limit: 1 },
    ]);
  });

  it('stops reading once it has caught up with the tip of the shard', async () => {
    kinesis
      .on(GetRecordsCommand)
      .resolvesOnce({ Records: [kinesisRecord('1')], NextShardIterator: 'iterator-2', MillisBehindLatest: 0 });

    const records = await consumer().read('shardId-0', 100);

    expect(records).toHaveLength(1);
    expect(kinesis.commandCalls(GetRecordsCommand)).toHaveLength(1);
  });

  it('keeps checkpoints per consumer and shard under stream-checkpoint#<consumer>#<shardId>', async () => {
    await consumer('replay').checkpoint('shardId-0', '100');
    await consumer('audit').checkpoint('shardId-1', '200');

    expect(Object.fromEntries(checkpoints.entries)).toEqual({
      'stream-checkpoint#replay#shardId-0': '100',
      'stream-checkpoint#audit#shardId-1': '200',
    });
  });

  it('never moves a checkpoint backwards', async () => {
    await consumer().checkpoint('shardId-0', '1000');
    await consumer().checkpoint('shardId-0', '999');

    expect(checkpoints.entries.get('stream-checkpoint#replay#shardId-0')).toBe('1000');
  });

  it('wraps a failed read in a StorageError', async () => {
    kinesis.on(GetRecordsCommand).rejects(Object.assign(new Error('expired'), { name: 'ExpiredIteratorException' }));

    await expect(consumer().read('shardId-0', 1)).rejects.toMatchObject({ name: 'StorageError' });
  });

  it('refuses a consumer name that could not be a checkpoint key part', () => {
    expect(() => consumer('a#b')).toThrow(ValidationError);
  });
});
