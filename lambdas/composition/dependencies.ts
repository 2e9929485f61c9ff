import type { Analytics } from '../ports/analytics';
import type { EventStream } from '../ports/event-stream';
import type { KeyValue } from '../ports/key-value';
import type { DataKeyWrapper } from '../ports/key-wrapper';
import type { LakeSink } from '../ports/lake-sink';
import type { ObjectStore } from '../ports/object-store';
import type { Queue } from '../ports/queue';
import type { Sql } from '../ports/sql';

/**
 * Everything a handler may need, built once per process: by `local-dependencies.ts` over the
 * embedded adapters in `npm start`, or by `aws-dependencies.ts` from environment variables in a
 * Lambda. Handlers take the subset they use, so tests pass only that.
 */
export interface Dependencies {
  readonly sql: Sql;
  readonly events: EventStream;
  /** The lake bucket / directory (reads, exports, lifecycle). */
  readonly lake: ObjectStore;
  /** Where enriched rows are appended (Firehose in AWS, Parquet files locally). */
  readonly lakeSink: LakeSink;
  readonly analytics: Analytics;
  readonly keyValue: KeyValue;
  readonly identityQueue: Queue;
  /** Wraps each organization's PII data key: KMS in AWS, a local master key file in `npm start`. */
  readonly keyWrapper: DataKeyWrapper;
  readonly now: () => number;
}

/** A named probe of one adapter for `/health`; resolves with detail or throws. */
export type HealthCheck = () => Promise<Record<string, unknown> | undefined>;
