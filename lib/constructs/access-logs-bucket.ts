import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { accessLogsBucketDefaults } from '../defaults/bucket-defaults';
import { acceptUnloggedLogBucket } from '../nag';

export interface AccessLogsBucketProps {
  /**
   * Days the logs are kept.
   * @default 90
   */
  readonly retentionDays?: number;
  /**
   * Props merged over `accessLogsBucketDefaults()`.
   * @default - the defaults only
   */
  readonly bucketProps?: s3.BucketProps;
}

/** The bucket that S3 server access logs and CloudFront standard logs of the deployment go to. */
export class AccessLogsBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogsBucketProps = {}) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...accessLogsBucketDefaults(props.retentionDays ?? 90),
      ...props.bucketProps,
    });
    acceptUnloggedLogBucket(this.bucket);
  }
}
