import type { ObjectStore } from '../ports/object-store';
import type { LakeTable } from './tables';
import { rowsToParquet } from './write-parquet';

type Row = Readonly<Record<string, unknown>>;

/**
 * Writes rows into the lake as Parquet, one file per partition value, under Hive-style keys
 * (`events/dt=2026-01-31/<fileId>.parquet`). A deterministic `fileId` (e.g. the shard and
 * sequence range of a stream batch) makes a retried batch overwrite its own file instead of
 * adding duplicates.
 *
 * @example
 * await writeLakeRows(store, eventsTable, rows, 'shardId-0-100-199', (row) => ({ dt: '2026-01-31' }));
 */
export async function writeLakeRows(
  store: ObjectStore,
  table: LakeTable,
  rows: readonly Row[],
  fileId: string,
  partitionOf: (row: Row) => Record<string, string>,
): Promise<string[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const values = partitionOf(row);
    const path = table.partitions.map((p) => `${p.name}=${encodePartition(values[p.name] ?? '')}`).join('/');
    const group = groups.get(path) ?? [];
    group.push(row);
    groups.set(path, group);
  }
  const keys: string[] = [];
  for (const [path, group] of groups) {
    const key = `${table.prefix}${path}/${fileId}.parquet`;
    await store.put(key, rowsToParquet(table, group), { contentType: 'application/vnd.apache.parquet' });
    keys.push(key);
  }
  return keys;
}

function encodePartition(value: string): string {
  return value === '' ? '__HIVE_DEFAULT_PARTITION__' : encodeURIComponent(value);
}
