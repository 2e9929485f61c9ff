import { hash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PartialWriteError, ValidationError } from '../../core/errors';
import type { EventStream, StreamConsumer, StreamRecord, StreamRecordInput } from '../../ports/event-stream';
import { type AppendLog, openAppendLog } from './append-log';
import { writeFileAtomicAsync } from './atomic-file';

/**
 * A durable local stand-in for a Kinesis Data Stream: `shardCount` shards, each a series of
 * append-only segment files under `dir`. A record's shard is chosen from the MD5 of its
 * partition key (as Kinesis does), so one key's records stay in order. `put` resolves only after
 * fsync. Consumers keep a checkpoint file per shard; segments every consumer has passed are deleted.
 *
 * @example
 * const stream = createLocalEventStream({ dir: '.sightline/stream/events', shardCount: 2 });
 * await stream.put([{ partitionKey: 'site-1', data: Buffer.from('{}') }]);
 */
export interface LocalEventStreamOptions {
  readonly dir: string;
  /** @default 2 */
  readonly shardCount?: number;
  /** Start a new segment file past this size. @default 16 MiB */
  readonly segmentBytes?: number;
  /** Largest record accepted (Kinesis: 1 MiB). @default 1 MiB */
  readonly maxRecordBytes?: number;
  readonly now?: () => number;
}

export interface LocalEventStream extends EventStream {
  close(): Promise<void>;
  /** Records not yet checkpointed by `consumerName`, summed over shards. */
  lag(consumerName: string): Promise<number>;
}

interface Shard {
  readonly id: string;
  readonly dir: string;
  nextSequence: bigint;
  segmentStart: bigint;
  log: AppendLog;
}

interface Checkpoint {
  readonly sequenceNumber: string;
  readonly segment: string;
  readonly offset: number;
}

export function createLocalEventStream(options: LocalEventStreamOptions): LocalEventStream {
  const shardCount = options.shardCount ?? 2;
  const segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024;
  const maxRecordBytes = options.maxRecordBytes ?? 1024 * 1024;
  const now = options.now ?? Date.now;
  const shards: Shard[] = Array.from({ length: shardCount }, (_, i) => openShard(options.dir, shardId(i)));
  const consumers = new Map<string, LocalStreamConsumer>();

  const shardFor = (partitionKey: string): Shard => {
    return shards[hash('md5', partitionKey, 'buffer').readUInt32BE(0) % shardCount] as Shard;
  };

  /**
   * Starts a new segment once the current one is full. The swap is synchronous: records already
   * queued on the old segment are flushed by its close, later ones go to the new segment.
   */
  const rotateIfFull = async (shard: Shard): Promise<void> => {
    if (shard.log.size() < segmentBytes) return;
    const old = shard.log;
    shard.segmentStart = shard.nextSequence;
    shard.log = openAppendLog(join(shard.dir, segmentName(shard.segmentStart)));
    await old.close();
    pruneSegments(shard);
  };

  const pruneSegments = (shard: Shard): void => {
    const names = listCheckpointNames(options.dir);
    if (names.length === 0) return;
    const passed = names.map((name) => readCheckpoint(options.dir, name, shard.id)?.segment ?? '');
    const oldestNeeded = passed.sort()[0] ?? '';
    for (const segment of listSegments(shard.dir)) {
      if (segment < oldestNeeded && segment !== segmentName(shard.segmentStart)) rmSync(join(shard.dir, segment));
    }
  };

  const stream: LocalEventStream = {
    async put(records: readonly StreamRecordInput[]) {
      records.forEach((record, index) => {
        if (record.partitionKey.length === 0 || record.partitionKey.length > 256) {
          throw new ValidationError('partition key must be 1–256 characters', `records[${index}].partitionKey`);
        }
        if (record.data.byteLength > maxRecordBytes) {
          throw new ValidationError(`record exceeds ${maxRecordBytes} bytes`, `records[${index}].data`);
        }
      });
      const byShard = new Map<Shard, { index: number; line: string }[]>();
      records.forEach((record, index) => {
        const shard = shardFor(record.partitionKey);
        const sequenceNumber = (shard.nextSequence++).toString();
        const line = JSON.stringify({
          s: sequenceNumber,
          k: record.partitionKey,
          t: now(),
          d: asBuffer(record.data).toString('base64'),
        });
        const list = byShard.get(shard) ?? [];
        list.push({ index, line });
        byShard.set(shard, list);
      });
      const failed: number[] = [];
      let cause: unknown;
      await Promise.all(
        [...byShard].map(async ([shard, items]) => {
          try {
            await shard.log.append(items.map((item) => item.line));
          } catch (error) {
            cause = error;
            failed.push(...items.map((item) => item.index));
            return;
          }
          // The records are durable; a failed rotation is retried by the next put.
          await rotateIfFull(shard).catch(() => undefined);
        }),
      );
      if (failed.length > 0) {
        throw new PartialWriteError(`${failed.length} of ${records.length} records were not stored`, failed, { cause });
      }
    },
    consumer(name) {
      let consumer = consumers.get(name);
      if (!consumer) {
        consumer = new LocalStreamConsumer(options.dir, name, shards);
        consumers.set(name, consumer);
      }
      return consumer;
    },
    async lag(consumerName) {
      const consumer = stream.consumer(consumerName) as LocalStreamConsumer;
      let total = 0;
      for (const shard of shards) {
        const checkpoint = consumer.checkpointOf(shard.id);
        const last = checkpoint ? BigInt(checkpoint.sequenceNumber) : -1n;
        total += Number(shard.nextSequence - 1n - last);
      }
      return total;
    },
    async close() {
      await Promise.all(shards.map((shard) => shard.log.close()));
    },
  };
  return stream;
}

class LocalStreamConsumer implements StreamConsumer {
  /** End offset of each record handed out, so a checkpoint can remember where to resume. */
  private readonly positions = new Map<string, { segment: string; offset: number }>();

  constructor(
    private readonly root: string,
    private readonly name: string,
    private readonly shards: readonly Shard[],
  ) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new ValidationError('consumer name is invalid', 'name');
  }

  async shardIds(): Promise<string[]> {
    return this.shards.map((shard) => shard.id);
  }

  checkpointOf(shardId: string): Checkpoint | undefined {
    return readCheckpoint(this.root, this.name, shardId);
  }

  async read(shardId: string, limit: number): Promise<StreamRecord[]> {
    const shard = this.shardById(shardId);
    const checkpoint = this.checkpointOf(shardId);
    const out: StreamRecord[] = [];
    const segments = listSegments(shard.dir).filter((s) => !checkpoint || s >= checkpoint.segment);
    for (const segment of segments) {
      let offset = checkpoint && segment === checkpoint.segment ? checkpoint.offset : 0;
      const path = join(shard.dir, segment);
      const bytes = readFrom(path, offset);
      let start = 0;
      while (out.length < limit) {
        const end = bytes.indexOf(0x0a, start);
        if (end < 0) break;
        const parsed = JSON.parse(bytes.subarray(start, end).toString('utf8')) as {
          s: string;
          k: string;
          t: number;
          d: string;
        };
        offset += end + 1 - start;
        start = end + 1;
        this.positions.set(`${shardId}/${parsed.s}`, { segment, offset });
        out.push({
          shardId,
          sequenceNumber: parsed.s,
          partitionKey: parsed.k,
          arrivedAt: parsed.t,
          data: Buffer.from(parsed.d, 'base64'),
        });
      }
      if (out.length >= limit) break;
    }
    return out;
  }

  async checkpoint(shardId: string, sequenceNumber: string): Promise<void> {
    const key = `${shardId}/${sequenceNumber}`;
    const position = this.positions.get(key);
    if (!position)
      throw new ValidationError(`sequence number ${sequenceNumber} was not read from ${shardId}`, 'sequenceNumber');
    for (const k of this.positions.keys()) {
      if (k.startsWith(`${shardId}/`) && BigInt(k.slice(shardId.length + 1)) <= BigInt(sequenceNumber)) {
        this.positions.delete(k);
      }
    }
    const checkpoint: Checkpoint = { sequenceNumber, ...position };
    await writeFileAtomicAsync(checkpointPath(this.root, this.name, shardId), JSON.stringify(checkpoint));
  }

  private shardById(shardId: string): Shard {
    const shard = this.shards.find((s) => s.id === shardId);
    if (!shard) throw new ValidationError(`unknown shard ${shardId}`, 'shardId');
    return shard;
  }
}

/** A view of the bytes, not a copy. */
function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function shardId(index: number): string {
  return `shardId-${index.toString().padStart(12, '0')}`;
}

/** Segment names sort in sequence order: the first sequence number, zero-padded. */
function segmentName(firstSequence: bigint): string {
  return `${firstSequence.toString().padStart(20, '0')}.log`;
}

function listSegments(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .sort();
}

function openShard(root: string, id: string): Shard {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  const segments = listSegments(dir);
  const last = segments.at(-1) ?? segmentName(0n);
  const log = openAppendLog(join(dir, last));
  // The next sequence number follows the last intact record of the newest segment.
  let nextSequence = BigInt(last.slice(0, 20));
  const text = readFileSync(log.path, 'utf8');
  const lastLineEnd = text.lastIndexOf('\n');
  if (lastLineEnd > 0) {
    const lastLine = text.slice(text.lastIndexOf('\n', lastLineEnd - 1) + 1, lastLineEnd);
    nextSequence = BigInt((JSON.parse(lastLine) as { s: string }).s) + 1n;
  }
  return { id, dir, nextSequence, segmentStart: BigInt(last.slice(0, 20)), log };
}

function checkpointPath(root: string, consumer: string, shard: string): string {
  return join(root, 'checkpoints', consumer, `${shard}.json`);
}

function listCheckpointNames(root: string): string[] {
  try {
    return readdirSync(join(root, 'checkpoints'));
  } catch {
    return [];
  }
}

function readCheckpoint(root: string, consumer: string, shard: string): Checkpoint | undefined {
  try {
    return JSON.parse(readFileSync(checkpointPath(root, consumer, shard), 'utf8')) as Checkpoint;
  } catch {
    return undefined;
  }
}

/** Reads at most 8 MiB from `offset`: enough for hundreds of records and any single record. */
function readFrom(path: string, offset: number): Buffer {
  const size = statSync(path).size;
  if (size <= offset) return Buffer.alloc(0);
  const buffer = Buffer.alloc(Math.min(size - offset, 8 * 1024 * 1024));
  const fd = openSync(path, 'r');
  try {
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
  } finally {
    closeSync(fd);
  }
  return buffer;
}
