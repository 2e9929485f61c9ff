import { parquetWriteBuffer } from 'hyparquet-writer';
import type { LakeColumnType, LakeTable } from './tables';

type Row = Readonly<Record<string, unknown>>;

const parquetType = {
  string: 'STRING',
  bigint: 'INT64',
  int: 'INT32',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
} as const satisfies Record<LakeColumnType, string>;

/**
 * Encodes rows as one Parquet file with the table's columns (partition columns excluded: they
 * live in the object key). Missing values become nulls; values of the wrong type are nulled.
 */
export function rowsToParquet(table: LakeTable, rows: readonly Row[]): Uint8Array {
  const columnData = table.columns.map((column) => ({
    name: column.name,
    type: parquetType[column.type],
    data: rows.map((row) => coerce(column.type, row[column.name])),
    nullable: true,
  }));
  return new Uint8Array(parquetWriteBuffer({ columnData, codec: 'SNAPPY' }));
}

function coerce(type: LakeColumnType, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'bigint':
      return typeof value === 'number' && Number.isFinite(value)
        ? BigInt(Math.trunc(value))
        : typeof value === 'bigint'
          ? value
          : null;
    case 'int':
      return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
    case 'double':
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'timestamp':
      return value instanceof Date ? value : typeof value === 'number' ? new Date(value) : null;
  }
}
