import { App, Stack } from 'aws-cdk-lib';
import type * as glue from 'aws-cdk-lib/aws-glue';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { type LakeColumn, lakeTables } from '../../lambdas/lake/tables';
import { lakeTableInput } from '../../lib/defaults/lake-table-defaults';
import { readAthenaFile, sqlFiles } from './sql-text';

interface DdlColumn {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
}

/** `name type COMMENT '...'` lines of one parenthesised block of the DDL. */
function columnsIn(block: string): DdlColumn[] {
  return [...block.matchAll(/^\s*(\w+)\s+(\w+)\s+COMMENT\s+'((?:[^'\\]|\\.)*)',?\s*$/gm)].map((m) => ({
    name: m[1] ?? '',
    type: m[2] ?? '',
    comment: (m[3] ?? '').replaceAll("\\'", "'"),
  }));
}

function parseDdl(sql: string) {
  const table =
    /CREATE EXTERNAL TABLE IF NOT EXISTS \{\{database\}\}\.(\w+) \(([\s\S]*?)\n\)\nPARTITIONED BY \(([\s\S]*?)\n\)/.exec(
      sql,
    );
  const location = /LOCATION '([^']+)'/.exec(sql)?.[1];
  const properties = Object.fromEntries([...sql.matchAll(/^\s*'([^']+)' = '([^']*)',?$/gm)].map((m) => [m[1], m[2]]));
  return {
    name: table?.[1],
    columns: columnsIn(table?.[2] ?? ''),
    partitions: columnsIn(table?.[3] ?? ''),
    location,
    properties,
  };
}

function locationOf(input: glue.CfnTable.TableInputProperty): unknown {
  const descriptor = input.storageDescriptor;
  return descriptor && 'location' in descriptor ? descriptor.location : undefined;
}

const asDdl = ({ name, type, comment }: LakeColumn): DdlColumn => ({ name, type, comment });

describe('athena/ddl', () => {
  it('holds one DDL file per lake table', () => {
    expect(sqlFiles('ddl')).toEqual(lakeTables.map((t) => `${t.name}.sql`).sort());
  });

  it.each(lakeTables.map((t) => [t.name, t] as const))(
    'declares exactly the columns and partitions of tables.ts for %s, with their Athena types and comments',
    (name, table) => {
      // Act
      const ddl = parseDdl(readAthenaFile('ddl', `${name}.sql`));

      // Assess
      expect(ddl.name).toBe(name);
      expect(ddl.columns).toEqual(table.columns.map(asDdl));
      expect(ddl.partitions).toEqual(table.partitions.map(asDdl));
    },
  );

  it.each(lakeTables.map((t) => [t.name, t] as const))(
    'gives %s the location and partition projection CDK gives the Glue table',
    (name, table) => {
      // Prepare
      const bucket = s3.Bucket.fromBucketName(new Stack(new App(), 'Ddl'), 'Lake', 'lake-bucket');
      const input = lakeTableInput(table, bucket);

      // Act
      const ddl = parseDdl(readAthenaFile('ddl', `${name}.sql`).replaceAll('{{lake_bucket}}', 'lake-bucket'));

      // Assess
      expect(ddl.location).toBe(locationOf(input));
      // EXTERNAL is the DDL's `CREATE EXTERNAL TABLE`; Glue spells it as a parameter.
      const { EXTERNAL: external, ...parameters } = (input.parameters ?? {}) as Record<string, string>;
      expect(external).toBe('TRUE');
      expect(ddl.properties).toEqual(parameters);
    },
  );
});
