jest.mock('aws-cdk-lib/aws-lambda-nodejs', () => jest.requireActual('./support/nodejs-function-mock'));

import {
  lakeTables,
  pageDaysTable,
  sessionDaysTable,
  streamedLakeTables,
  visitorDaysTable,
} from '../../lambdas/lake/tables';
import { deploy } from './support/deploy';
import { logicalId, permissionsOf } from './support/iam';

describe('lake tables and their delivery', () => {
  it('defines a Glue table per lake table, with its columns, partitions and partition projection', () => {
    const { stack, template } = deploy();

    const glueTables = Object.values(template.findResources('AWS::Glue::Table')).map((t) => t.Properties);
    for (const table of lakeTables) {
      const input = glueTables.find((t) => t.TableInput.Name === table.name)?.TableInput;
      expect(input).toMatchObject({
        PartitionKeys: table.partitions.map(({ name, type }) => ({
          Name: name,
          Type: type,
          Comment: expect.any(String),
        })),
        Parameters: {
          'projection.enabled': 'true',
          'projection.site_id.type': 'injected',
          'projection.dt.type': 'date',
          'storage.location.template': {
            'Fn::Join': [
              '',
              ['s3://', { Ref: logicalId(stack.lake.bucket) }, `/${table.prefix}site_id=\${site_id}/dt=\${dt}/`],
            ],
          },
        },
        StorageDescriptor: {
          Columns: table.columns.map(({ name, type }) => expect.objectContaining({ Name: name, Type: type })),
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      });
    }
    expect(glueTables.every((t) => t.DatabaseName === 'sightline')).toBe(true);
  });

  it('delivers each streamed lake table through a KMS-encrypted Firehose stream converting to partitioned Parquet', () => {
    const { stack, template } = deploy();
    const key = { 'Fn::GetAtt': [logicalId(stack.key.key), 'Arn'] };

    for (const table of streamedLakeTables) {
      const stream = stack.lakeDelivery.streams.get(table.name);
      expect(stream).toBeDefined();
      const props = template.toJSON().Resources[logicalId(stream as NonNullable<typeof stream>)].Properties;
      expect(props.DeliveryStreamEncryptionConfigurationInput).toEqual({
        KeyType: 'CUSTOMER_MANAGED_CMK',
        KeyARN: key,
      });
      const destination = props.ExtendedS3DestinationConfiguration;
      expect(destination).toMatchObject({
        BucketARN: { 'Fn::GetAtt': [logicalId(stack.lake.bucket), 'Arn'] },
        Prefix: `${table.prefix}site_id=!{partitionKeyFromQuery:site_id}/dt=!{partitionKeyFromQuery:dt}/`,
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: key } },
        DynamicPartitioningConfiguration: { Enabled: true },
        DataFormatConversionConfiguration: {
          Enabled: true,
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
          SchemaConfiguration: { TableName: table.name, DatabaseName: 'sightline', VersionId: 'LATEST' },
        },
        CloudWatchLoggingOptions: { Enabled: true },
      });
    }
  });

  it('alarms when rows fail Parquet conversion or wait too long for delivery', () => {
    const { stack, template } = deploy();

    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    for (const stream of stack.lakeDelivery.streams.values()) {
      const onStream = alarms.filter(
        (a) =>
          JSON.stringify(a.Dimensions) ===
          JSON.stringify([{ Name: 'DeliveryStreamName', Value: { Ref: logicalId(stream) } }]),
      );
      expect(onStream.map((a) => a.MetricName).sort()).toEqual([
        'DeliveryToS3.DataFreshness',
        'FailedConversion.Records',
      ]);
    }
  });

  it('lets Firehose read only the schemas of the lake tables', () => {
    const { stack, template } = deploy();
    const firehose = permissionsOf(template, stack.lakeDelivery.role);

    const glueResources = firehose.statements
      .filter((s) => JSON.stringify(s.Action).includes('glue:'))
      .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
      .map((r) => JSON.stringify(r));
    expect(glueResources.some((r) => r.includes(':table/sightline/events'))).toBe(true);
    expect(glueResources.some((r) => r.includes(':table/sightline/failed_events'))).toBe(true);
    expect(glueResources.some((r) => r.includes('*'))).toBe(false);
    expect(firehose.allowsAnywhere('glue:UpdateTable')).toBe(false);
  });
});

describe('rollup tables', () => {
  it('gives the session, visitor and page rollups Glue tables but no Firehose stream: the maintain job writes them', () => {
    const { stack, template } = deploy();

    const names = Object.values(template.findResources('AWS::Glue::Table')).map((t) => t.Properties.TableInput.Name);
    for (const table of [sessionDaysTable, visitorDaysTable, pageDaysTable]) {
      expect(names).toContain(table.name);
      expect(stack.lakeDelivery.streams.has(table.name)).toBe(false);
    }
    expect([...stack.lakeDelivery.streams.keys()].sort()).toEqual(streamedLakeTables.map((t) => t.name).sort());
  });
});
