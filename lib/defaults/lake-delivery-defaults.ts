import { Duration } from 'aws-cdk-lib';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type { LakeTable } from '../../lambdas/lake/tables';

/** How long Firehose buffers a partition before writing a Parquet file (60–900 s). */
export const LAKE_BUFFER_INTERVAL = Duration.minutes(5);

export interface LakeDeliveryConfigProps {
  readonly table: LakeTable;
  readonly bucketArn: string;
  readonly roleArn: string;
  readonly keyArn: string;
  readonly region: string;
  readonly catalogId: string;
  readonly databaseName: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/**
 * Firehose into one lake table: JSON rows (carrying their `site_id` and `dt`) become Snappy
 * Parquet through the Glue schema, written under `<prefix>site_id=…/dt=…/` (dynamic partitioning,
 * keys read with jq), SSE-KMS; rows that fail conversion land under `firehose-errors/<table>/`.
 */
export function lakeDeliveryConfig(
  props: LakeDeliveryConfigProps,
): firehose.CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty {
  const keys = props.table.partitions.map((p) => p.name);
  return {
    bucketArn: props.bucketArn,
    roleArn: props.roleArn,
    prefix: `${props.table.prefix}${keys.map((k) => `${k}=!{partitionKeyFromQuery:${k}}`).join('/')}/`,
    errorOutputPrefix: `firehose-errors/${props.table.name}/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/`,
    bufferingHints: { intervalInSeconds: LAKE_BUFFER_INTERVAL.toSeconds(), sizeInMBs: 128 },
    compressionFormat: 'UNCOMPRESSED', // Parquet compresses its own pages (Snappy, below)
    encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: props.keyArn } },
    dataFormatConversionConfiguration: {
      enabled: true,
      inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
      outputFormatConfiguration: { serializer: { parquetSerDe: { compression: 'SNAPPY' } } },
      schemaConfiguration: {
        catalogId: props.catalogId,
        region: props.region,
        databaseName: props.databaseName,
        tableName: props.table.name,
        roleArn: props.roleArn,
        versionId: 'LATEST',
      },
    },
    dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
    processingConfiguration: {
      enabled: true,
      processors: [
        {
          type: 'MetadataExtraction',
          parameters: [
            {
              parameterName: 'MetadataExtractionQuery',
              parameterValue: `{${keys.map((k) => `${k}:.${k}`).join(',')}}`,
            },
            { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
          ],
        },
      ],
    },
    cloudWatchLoggingOptions: { enabled: true, logGroupName: props.logGroupName, logStreamName: props.logStreamName },
  };
}
