import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalEventStream, type LocalEventStream } from '../../lambdas/adapters/local/local-event-stream';
import { PartialWriteError, ValidationError } from '../../lambdas/core/errors';
import { compareSequenceNumbers, type StreamConsumer } from '../../lambdas/ports/event-stream';
import { makeTempDir } from '../support/temp-dir';

const text = (s: string) => Buffer.from(s);

async function readAll(consumer: StreamConsumer, limit = 1000) {
  const out = [];
  for (const shard of await consumer.shardIds()) out.push(...(await consumer.read(shard, limit)));
  return out;
}

describe('EventStream contract: durable local stream', () => {
  let dir: string;
  let cleanup: () => void;
  let stream: LocalEventStream;
  const open = (options: { segmentBytes?: number } = {}) => createLocalEventStream({ dir, shardCount: 2, ...options });

  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir());
    stream = open();
  });
  afterEach(async () => {
    await stream.close();
    cleanup();
  });

  it('keeps the order of records that share a partition key', async () => {
    for (let i = 0; i < 50; i++) await stream.put([{ partitionKey: `k${i % 3}`, data: text(`${i % 3}:${i}`) }]);
    const records = await readAll(stream.consumer('c'));
    const expected: Record<string, number> = { k0: 17, k1: 17, k2: 16 };
    for (const key of ['k0', 'k1', 'k2']) {
      const mine = records.filter((r) => r.partitionKey === key).map((r) => Number(r.data.toString().split(':')[1]));
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
      expect(mine).toHaveLength(expected[key] ?? -1);
    }
  });

  it('gives increasing sequence numbers within a shard', async () => {
    await stream.put(Array.from({ length: 20 }, (_, i) => ({ partitionKey: 'same', data: text(String(i)) })));
    const records = await readAll(stream.consumer('c'));
    for (let i = 1; i < records.length; i++) {
      expect(
        compareSequenceNumbers(records[i - 1]?.sequenceNumber ?? '', records[i]?.sequenceNumber ?? ''),
      ).toBeLessThan(0);
    }
  });

  it('resumes a consumer after its checkpoint, even after reopening the stream', async () => {
    await stream.put(Array.from({ length: 10 }, (_, i) => ({ partitionKey: 'p', data: text(String(i)) })));
    const consumer = stream.consumer('enrich');
    const [shard] = (await readAll(consumer)).map((r) => r.shardId);
    const firstFour = await consumer.read(shard as string, 4);
    await consumer.checkpoint(shard as string, firstFour[3]?.sequenceNumber as string);
    await stream.close();

    stream = open();
    const rest = await stream.consumer('enrich').read(shard as string, 100);
    expect(rest.map((r) => r.data.toString())).toEqual(['4', '5', '6', '7', '8', '9']);
  });

  it('redelivers records read but not checkpointed (at least once)', async () => {
    await stream.put([{ partitionKey: 'p', data: text('x') }]);
    const consumer = stream.consumer('c');
    expect(await readAll(consumer)).toHaveLength(1);
    expect(await readAll(consumer)).toHaveLength(1);
  });

  it('keeps consumers independent of each other', async () => {
    await stream.put([{ partitionKey: 'p', data: text('x') }]);
    const a = stream.consumer('a');
    const [record] = await readAll(a);
    await a.checkpoint(record?.shardId as string, record?.sequenceNumber as string);
    expect(await readAll(a)).toHaveLength(0);
    expect(await readAll(stream.consumer('b'))).toHaveLength(1);
  });

  it('survives a torn last line from a crash mid-write', async () => {
    await stream.put([{ partitionKey: 'p', data: text('kept') }]);
    await stream.close();
    for (const shard of readdirSync(dir).filter((d) => d.startsWith('shardId'))) {
      const [segment] = readdirSync(join(dir, shard));
      appendFileSync(join(dir, shard, segment as string), '{"s":"99","k":"p","t":1,"d":"dG9y');
    }
    stream = open();
    await stream.put([{ partitionKey: 'p', data: text('after') }]);
    expect((await readAll(stream.consumer('c'))).map((r) => r.data.toString())).toEqual(['kept', 'after']);
  });

  it('rolls segments and deletes those every consumer has passed', async () => {
    await stream.close();
    stream = open({ segmentBytes: 200 });
    const consumer = stream.consumer('c');
    for (let i = 0; i < 30; i++) await stream.put([{ partitionKey: 'p', data: text(`record-${i}`) }]);
    const records = await readAll(consumer);
    expect(records).toHaveLength(30);
    const last = records.at(-1);
    await consumer.checkpoint(last?.shardId as string, last?.sequenceNumber as string);
    await stream.put([{ partitionKey: 'p', data: text('x'.repeat(300)) }]);
    const shardDir = join(dir, last?.shardId as string);
    expect(readdirSync(shardDir).length).toBeLessThanOrEqual(2);
    expect((await readAll(consumer)).map((r) => r.data.length)).toEqual([300]);
  });

  it('reports lag as the records a consumer has not checkpointed', async () => {
    await stream.put(Array.from({ length: 5 }, (_, i) => ({ partitionKey: `k${i}`, data: text('x') })));
    expect(await stream.lag('c')).toBe(5);
  });

  it('rejects an oversized record naming it', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1);
    await expect(stream.put([{ partitionKey: 'p', data: big }])).rejects.toThrow(ValidationError);
  });

  it('reports records it could not store as a PartialWriteError', async () => {
    await stream.close(); // appends to a closed log fail
    await expect(stream.put([{ partitionKey: 'p', data: text('x') }])).rejects.toBeInstanceOf(PartialWriteError);
    stream = open();
  });
});
