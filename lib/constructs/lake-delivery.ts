import { Aws, Stack } from 'aws-cdk-lib';
import type * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { EnvName } from '../../lambdas/core/config';
import { type LakeTable, streamedLakeTables } from '../../lambdas/lake/tables';
import { lakeDeliveryConfig } from '../defaults/lake-delivery-defaults';
import { acceptObjectKeyWildcard } from '../nag';

export interface LakeDeliveryProps {
  /** The lake bucket. */
  readonly lakeBucket: s3.IBucket;
  /** Key for the streams, the objects and the log group. */
  readonly encryptionKey: kms.IKey;
  /** Glue database holding the tables' schemas. */
  readonly databaseName: string;
  /** Glue table of each lake table, by name (the Parquet schema). */
  readonly glueTables: ReadonlyMap<string, glue.CfnTable>;
  /** Variable carrying each table's delivery stream name to writers, by table name. */
  readonly streamEnv: Readonly<Record<string, EnvName>>;
  /**
   * Lake tables to deliver.
   * @default streamedLakeTables (lambdas/lake/tables.ts)
   */
  readonly tables?: readonly LakeTable[];
  /**
   * How long CloudWatch keeps delivery error logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * One Kinesis Data Firehose stream per lake table, turning enriched JSON rows into partitioned
 * Parquet in the lake. Firehose's role may write objects and read their schemas, nothing else:
 * no deletes.
 */
export class LakeDelivery extends Construct {
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  /** Delivery stream of each lake table, by table name. */
  public readonly streams: ReadonlyMap<string, firehose.CfnDeliveryStream>;
  private readonly streamEnv: Readonly<Record<string, EnvName>>;

  constructor(scope: Construct, id: string, props: LakeDeliveryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.streamEnv = props.streamEnv;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Sightline Firehose delivery into the lake',
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.encryptionKey,
    });
    this.logGroup.grantWrite(this.role);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          's3:AbortMultipartUpload',
          's3:GetBucketLocation',
          's3:GetObject',
          's3:ListBucket',
          's3:ListBucketMultipartUploads',
          's3:PutObject',
        ],
        resources: [props.lakeBucket.bucketArn, props.lakeBucket.arnForObjects('*')],
      }),
    );
    props.encryptionKey.grant(this.role, 'kms:GenerateDataKey', 'kms:Decrypt');
    acceptObjectKeyWildcard(this.role, props.lakeBucket);

    const streams = new Map<string, firehose.CfnDeliveryStream>();
    for (const table of props.tables ?? streamedLakeTables) {
      const glueTable = props.glueTables.get(table.name);
      if (glueTable === undefined) throw new Error(`${this.node.path}: no Glue table for lake table ${table.name}`);
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
          resources: [
            stack.formatArn({ service: 'glue', resource: 'catalog' }),
            stack.formatArn({ service: 'glue', resource: 'database', resourceName: props.databaseName }),
            stack.formatArn({
              service: 'glue',
              resource: 'table',
              resourceName: `${props.databaseName}/${table.name}`,
            }),
          ],
        }),
      );
      const logStream = this.logGroup.addStream(`Stream-${table.name}`);
      const stream = new firehose.CfnDeliveryStream(this, `Stream-${table.name}`, {
        deliveryStreamType: 'DirectPut',
        deliveryStreamEncryptionConfigurationInput: {
          keyType: 'CUSTOMER_MANAGED_CMK',
          keyArn: props.encryptionKey.keyArn,
        },
        extendedS3DestinationConfiguration: lakeDeliveryConfig({
          table,
          bucketArn: props.lakeBucket.bucketArn,
          roleArn: this.role.roleArn,
          keyArn: props.encryptionKey.keyArn,
          region: stack.region,
          catalogId: stack.account,
          databaseName: props.databaseName,
          logGroupName: this.logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        }),
      });
      // Firehose checks its role when the stream is created: the policy must exist first.
      stream.node.addDependency(this.role);
      stream.node.addDependency(glueTable);
      streams.set(table.name, stream);
    }
    this.streams = streams;
  }

  /** Gives `fn` each table's delivery stream name and the right to put records: nothing else. */
  public bindWriter(fn: lambda.Function): void {
    for (const [tableName, stream] of this.streams) {
      const envName = this.streamEnv[tableName];
      if (envName === undefined) throw new Error(`${this.node.path}: no env name for lake table ${tableName}`);
      fn.addEnvironment(envName, stream.ref);
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
          resources: [stream.attrArn],
        }),
      );
    }
  }
}
