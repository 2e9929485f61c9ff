import type * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { LakeColumn, LakeTable } from '../../lambdas/lake/tables';

/** The first date partition projection enumerates; older `dt` values are not queryable. */
export const PROJECTION_START_DATE = '2024-01-01';

const column = ({ name, type, comment }: LakeColumn): glue.CfnTable.ColumnProperty => ({ name, type, comment });

/**
 * The Glue definition of a lake table (`lambdas/lake/tables.ts`): Parquet under
 * `<prefix>site_id=…/dt=…/`, with partition projection so Athena finds new partitions without
 * crawlers or `MSCK REPAIR`. `site_id` is injected (queries name the site, as every dashboard
 * query does); `dt` is a date range from `PROJECTION_START_DATE` to today.
 */
export function lakeTableInput(table: LakeTable, bucket: s3.IBucket): glue.CfnTable.TableInputProperty {
  const location = bucket.s3UrlForObject(table.prefix);
  return {
    name: table.name,
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      classification: 'parquet',
      EXTERNAL: 'TRUE',
      'projection.enabled': 'true',
      'projection.site_id.type': 'injected',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': `${PROJECTION_START_DATE},NOW`,
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': `${location}site_id=\${site_id}/dt=\${dt}/`,
    },
    partitionKeys: table.partitions.map(column),
    storageDescriptor: {
      location,
      columns: table.columns.map(column),
      inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
    },
  };
}
