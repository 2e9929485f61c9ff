import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** What every Sightline bucket has: no public access, TLS 1.2+ only, owner-enforced objects, kept on stack deletion. */
export function secureBucketDefaults(): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

/**
 * The bucket receiving S3 server access logs and CloudFront standard logs. S3 access logging
 * cannot deliver to SSE-KMS buckets, hence SSE-S3; CloudFront standard logging writes with ACLs,
 * hence `BUCKET_OWNER_PREFERRED` instead of enforced ownership.
 */
export function accessLogsBucketDefaults(retentionDays: number): s3.BucketProps {
  return {
    ...secureBucketDefaults(),
    encryption: s3.BucketEncryption.S3_MANAGED,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(retentionDays) }],
  };
}

export interface LakeBucketDefaultsProps {
  readonly encryptionKey: kms.IKey;
  readonly serverAccessLogsBucket: s3.IBucket;
  /** 0 keeps objects forever. */
  readonly retentionDays: number;
}

/** The event lake: SSE-KMS with bucket keys, versioned, access-logged, objects expiring after the retention. */
export function lakeBucketDefaults(props: LakeBucketDefaultsProps): s3.BucketProps {
  return {
    ...secureBucketDefaults(),
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: props.encryptionKey,
    bucketKeyEnabled: true,
    versioned: true,
    serverAccessLogsBucket: props.serverAccessLogsBucket,
    serverAccessLogsPrefix: 'lake/',
    lifecycleRules: [
      {
        id: 'retention',
        expiration: props.retentionDays > 0 ? Duration.days(props.retentionDays) : undefined,
        noncurrentVersionExpiration: Duration.days(30),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
    ],
  };
}

export interface QueryResultsBucketDefaultsProps {
  readonly encryptionKey: kms.IKey;
  readonly serverAccessLogsBucket: s3.IBucket;
}

/** Athena query results: SSE-KMS, access-logged, gone after a week (they are caches, not records). */
export function queryResultsBucketDefaults(props: QueryResultsBucketDefaultsProps): s3.BucketProps {
  return {
    ...secureBucketDefaults(),
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: props.encryptionKey,
    bucketKeyEnabled: true,
    serverAccessLogsBucket: props.serverAccessLogsBucket,
    serverAccessLogsPrefix: 'athena-results/',
    lifecycleRules: [
      { id: 'expire-results', expiration: Duration.days(7), abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
  };
}

export interface ScriptBucketDefaultsProps {
  readonly serverAccessLogsBucket: s3.IBucket;
}

/**
 * The tracker script origin: private (CloudFront reads it through origin access control) and
 * SSE-S3, because the script is public content and KMS would add a call to every cache miss.
 */
export function scriptBucketDefaults(props: ScriptBucketDefaultsProps): s3.BucketProps {
  return {
    ...secureBucketDefaults(),
    encryption: s3.BucketEncryption.S3_MANAGED,
    versioned: true,
    serverAccessLogsBucket: props.serverAccessLogsBucket,
    serverAccessLogsPrefix: 'script/',
    lifecycleRules: [{ id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30) }],
  };
}
