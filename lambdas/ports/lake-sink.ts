import type { LakeTable } from '../lake/tables';

export type LakeRow = Readonly<Record<string, unknown>>;

/**
 * Where enriched rows go: Kinesis Data Firehose converting JSON to Parquet through the Glue
 * schema (dynamic partitions `site_id=…/dt=…`) in AWS; Parquet files in the same layout in
 * `npm start`. Rows carry their partition columns.
 */
export interface LakeSink {
  /**
   * Appends the rows to the table; resolves once they are durably accepted. `batchId` names
   * this write: writing the same batch again replaces it where the sink can (local files), so a
   * retried stream batch does not duplicate rows.
   */
  write(table: LakeTable, rows: readonly LakeRow[], batchId: string): Promise<void>;
}
