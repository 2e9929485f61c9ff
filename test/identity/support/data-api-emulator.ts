import { randomUUID } from 'node:crypto';
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  DatabaseErrorException,
  ExecuteStatementCommand,
  type Field,
  type RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import pg from 'pg';

/**
 * An RDS Data API stand-in over a real PostgreSQL server, faithful where Sightline's SQL can trip:
 * each parameter reaches PostgreSQL typed as the Data API types it (a string as `varchar`, a
 * `UUID`-hinted one as `uuid`, `JSON` as `json`, `TIMESTAMP` as `timestamp`, integers as `bigint`,
 * bytes as `bytea`), results come back as typed `Field`s with column metadata (timestamps as UTC
 * text, arrays as `arrayValue`), and errors as `DatabaseErrorException`. Not the real service: no
 * size limits, no `void` refusal.
 */
export function createDataApiEmulator(connectionString: string): { client: RDSDataClient; close: () => Promise<void> } {
  const textTypes = { getTypeParser: () => (value: string) => value } as unknown as typeof pg.types;
  const pool = new pg.Pool({ connectionString, max: 8, types: textTypes, options: '-c TimeZone=UTC' });
  const transactions = new Map<string, pg.PoolClient>();

  const execute = async (input: ExecuteStatementCommand['input']) => {
    const { text, values } = toPositional(input.sql ?? '', input.parameters ?? []);
    const runner = input.transactionId ? transactions.get(input.transactionId) : pool;
    if (!runner) throw new DatabaseErrorException({ message: 'Transaction not found', $metadata: {} });
    let result: pg.QueryResult<unknown[]>;
    try {
      result = await runner.query<unknown[]>({ text, values, rowMode: 'array' });
    } catch (error) {
      throw new DatabaseErrorException({ message: `ERROR: ${(error as Error).message}`, $metadata: {} });
    }
    const fields = result.fields ?? [];
    return {
      records: (result.rows ?? []).map((row) => row.map((value, i) => toField(value, fields[i]?.dataTypeID ?? 0))),
      columnMetadata: fields.map((f) => ({
        name: f.name,
        label: f.name,
        typeName: TYPE_NAMES[f.dataTypeID] ?? 'text',
      })),
      numberOfRecordsUpdated: result.command === 'SELECT' ? 0 : (result.rowCount ?? 0),
    };
  };

  const client = {
    async send(command: unknown) {
      if (command instanceof ExecuteStatementCommand) return execute(command.input);
      if (command instanceof BeginTransactionCommand) {
        const connection = await pool.connect();
        await connection.query('begin');
        const transactionId = randomUUID();
        transactions.set(transactionId, connection);
        return { transactionId };
      }
      if (command instanceof CommitTransactionCommand || command instanceof RollbackTransactionCommand) {
        const id = command.input.transactionId ?? '';
        const connection = transactions.get(id);
        if (!connection) throw new DatabaseErrorException({ message: 'Transaction not found', $metadata: {} });
        transactions.delete(id);
        try {
          await connection.query(command instanceof CommitTransactionCommand ? 'commit' : 'rollback');
        } finally {
          connection.release();
        }
        return { transactionStatus: 'done' };
      }
      throw new Error('the emulator does not know this command');
    },
    destroy() {},
  };
  return { client: client as unknown as RDSDataClient, close: () => pool.end() };
}

/** A parameter value with every member optional (the SDK types it as a union of one-member shapes). */
interface AnyField {
  readonly isNull?: boolean;
  readonly stringValue?: string;
  readonly longValue?: number;
  readonly doubleValue?: number;
  readonly booleanValue?: boolean;
  readonly blobValue?: Uint8Array;
}

/** `:p1` → `$1::<type the Data API would give it>`. */
function toPositional(sql: string, parameters: readonly SqlParameter[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const position = new Map<string, number>();
  for (const parameter of parameters) {
    const v: AnyField = parameter.value ?? {};
    values.push(
      v.isNull
        ? null
        : (v.stringValue ??
            v.longValue ??
            v.doubleValue ??
            v.booleanValue ??
            (v.blobValue ? Buffer.from(v.blobValue) : null)),
    );
    position.set(parameter.name ?? '', values.length);
  }
  const typeOf = (parameter: SqlParameter) => {
    const v: AnyField = parameter.value ?? {};
    if (v.isNull) return '';
    if (v.longValue !== undefined) return '::bigint';
    if (v.doubleValue !== undefined) return '::float8';
    if (v.booleanValue !== undefined) return '::boolean';
    if (v.blobValue !== undefined) return '::bytea';
    const hinted = {
      UUID: '::uuid',
      JSON: '::json',
      TIMESTAMP: '::timestamp',
      DECIMAL: '::numeric',
      DATE: '::date',
      TIME: '::time',
    };
    return parameter.typeHint ? hinted[parameter.typeHint as keyof typeof hinted] : '::varchar';
  };
  const byName = new Map(parameters.map((p) => [p.name ?? '', p]));
  const text = sql.replace(
    /(?<!:):(p\d+)\b/g,
    (_, name: string) => `($${position.get(name)}${typeOf(byName.get(name) as SqlParameter)})`,
  );
  return { text, values };
}

const TYPE_NAMES: Record<number, string> = {
  16: 'bool',
  17: 'bytea',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  114: 'json',
  700: 'float4',
  701: 'float8',
  1043: 'varchar',
  1082: 'date',
  1114: 'timestamp',
  1184: 'timestamptz',
  1700: 'numeric',
  2950: 'uuid',
  3802: 'jsonb',
  1016: '_int8',
  1009: '_text',
  2951: '_uuid',
};

function toField(value: unknown, typeId: number): Field {
  if (value === null || value === undefined) return { isNull: true };
  const text = String(value);
  switch (TYPE_NAMES[typeId]) {
    case 'bool':
      return { booleanValue: text === 't' };
    case 'int2':
    case 'int4':
    case 'int8':
      return { longValue: Number(text) };
    case 'float4':
    case 'float8':
    case 'numeric':
      return Number.isInteger(Number(text)) ? { longValue: Number(text) } : { doubleValue: Number(text) };
    case 'bytea':
      return { blobValue: Buffer.from(text.slice(2), 'hex') };
    case 'timestamptz':
      return { stringValue: text.replace(/\+00$/, '') };
    case '_int8':
      return { arrayValue: { longValues: arrayItems(text).map(Number) } };
    case '_text':
    case '_uuid':
      return { arrayValue: { stringValues: arrayItems(text) } };
    default:
      return { stringValue: text };
  }
}

/** Items of a one-dimensional PostgreSQL array literal of unquoted scalars (`{1,2}`, `{uuid,uuid}`). */
function arrayItems(text: string): string[] {
  const inner = text.slice(1, -1);
  return inner === '' ? [] : inner.split(',').map((item) => item.replace(/^"|"$/g, ''));
}
