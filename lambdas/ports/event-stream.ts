/**
 * An ordered, durable event stream: Kinesis Data Streams in AWS, a file-backed log in `npm start`.
 * Records with the same partition key keep their order; delivery is at least once.
 */
export interface StreamRecordInput {
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

export interface StreamRecord {
  readonly shardId: string;
  /** Increases with each record of a shard; compare with `compareSequenceNumbers`. */
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  /** Epoch milliseconds when the stream accepted the record. */
  readonly arrivedAt: number;
}

export interface EventStream {
  /**
   * Appends the records. Resolves only once every record is durably stored; otherwise rejects
   * with a `PartialWriteError` naming the records that were not stored (those that were stay).
   */
  put(records: readonly StreamRecordInput[]): Promise<void>;
  /** A named consumer reading from its own checkpoints. */
  consumer(name: string): StreamConsumer;
}

export interface StreamConsumer {
  shardIds(): Promise<string[]>;
  /** Up to `limit` records of the shard after the consumer's checkpoint, oldest first. */
  read(shardId: string, limit: number): Promise<StreamRecord[]>;
  /** Marks every record of the shard up to and including `sequenceNumber` as processed. */
  checkpoint(shardId: string, sequenceNumber: string): Promise<void>;
}

/** Sequence numbers are decimal strings of arbitrary length (as in Kinesis). */
export function compareSequenceNumbers(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
