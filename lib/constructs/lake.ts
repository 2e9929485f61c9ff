import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/core/config';
import { lakeBucketDefaults } from '../defaults/bucket-defaults';
import {
  acceptKmsActionWildcards,
  acceptLakeTablePrefixWildcards,
  acceptObjectKeyWildcard,
  acceptS3ReadActionWildcards,
  acceptS3WriteActionWildcards,
} from '../nag';

export interface LakeProps {
  /** Key the objects are encrypted with. */
  readonly encryptionKey: kms.IKey;
  /** Bucket receiving the lake's S3 server access logs. */
  readonly serverAccessLogsBucket: s3.IBucket;
  /**
   * Days objects are kept; 0 keeps them forever.
   * @default 395
   */
  readonly retentionDays?: number;
  /**
   * Props merged over `lakeBucketDefaults()`.
   * @default - the defaults only
   */
  readonly bucketProps?: s3.BucketProps;
}

/** The S3 event lake that Athena queries. */
export class Lake extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: LakeProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...lakeBucketDefaults({
        encryptionKey: props.encryptionKey,
        serverAccessLogsBucket: props.serverAccessLogsBucket,
        retentionDays: props.retentionDays ?? 395,
      }),
      ...props.bucketProps,
    });
  }

  /** Gives `fn` the bucket name (`ENV.lakeBucket`) and the right to put objects: no reads, no deletes. */
  public bindWriter(fn: lambda.Function): void {
    fn.addEnvironment(ENV.lakeBucket, this.bucket.bucketName);
    this.bucket.grantPut(fn);
    acceptObjectKeyWildcard(fn, this.bucket);
    acceptS3WriteActionWildcards(fn);
    acceptKmsActionWildcards(fn);
  }

  /** Gives `fn` the bucket name (`ENV.lakeBucket`) and the right to list and read objects. */
  public bindReader(fn: lambda.Function): void {
    fn.addEnvironment(ENV.lakeBucket, this.bucket.bucketName);
    this.bucket.grantRead(fn);
    acceptObjectKeyWildcard(fn, this.bucket);
    acceptS3ReadActionWildcards(fn);
  }

  /** Gives `fn` the bucket name (`ENV.lakeBucket`) and the right to list keys: no object reads. */
  public bindLister(fn: lambda.Function): void {
    fn.addEnvironment(ENV.lakeBucket, this.bucket.bucketName);
    iam.Grant.addToPrincipal({ grantee: fn, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] });
  }

  /**
   * Gives `fn` the bucket name (`ENV.lakeBucket`) and the right to put objects under the given
   * lake tables' prefixes only (a table a job writes, such as the session rollup): no reads, no
   * deletes, nothing under the tables Firehose delivers.
   */
  public bindTableWriter(fn: lambda.Function, tablePrefixes: readonly string[]): void {
    fn.addEnvironment(ENV.lakeBucket, this.bucket.bucketName);
    for (const prefix of tablePrefixes) this.bucket.grantPut(fn, `${prefix}*`);
    acceptLakeTablePrefixWildcards(fn, this.bucket, tablePrefixes);
    acceptS3WriteActionWildcards(fn);
    acceptKmsActionWildcards(fn);
  }

  /**
   * Gives `fn` the bucket name (`ENV.lakeBucket`) and the right to list keys and delete the objects
   * of the lake's tables (expired partitions): no reads, no writes. The bucket is versioned, so a
   * deleted object's last version stays recoverable until the noncurrent-version rule expires it.
   */
  public bindPartitionDeleter(fn: lambda.Function, tablePrefixes: readonly string[]): void {
    fn.addEnvironment(ENV.lakeBucket, this.bucket.bucketName);
    iam.Grant.addToPrincipal({ grantee: fn, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] });
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: ['s3:DeleteObject'],
      resourceArns: tablePrefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}*`)),
    });
    acceptLakeTablePrefixWildcards(fn, this.bucket, tablePrefixes);
  }
}
