import { writeLakeRows } from '../../lake/lake-writer';
import type { LakeSink } from '../../ports/lake-sink';
import type { ObjectStore } from '../../ports/object-store';

/**
 * LakeSink writing Parquet straight into an ObjectStore, one file per partition per batch,
 * named after the batch (the layout Firehose's dynamic partitioning produces in AWS).
 *
 * @example
 * const sink = createParquetLakeSink(createLocalObjectStore({ root: '.sightline/lake' }));
 */
export function createParquetLakeSink(store: ObjectStore): LakeSink {
  return {
    async write(table, rows, batchId) {
      if (rows.length === 0) return;
      await writeLakeRows(store, table, rows, batchId, (row) =>
        Object.fromEntries(table.partitions.map((p) => [p.name, String(row[p.name] ?? '')])),
      );
    },
  };
}
