import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { scriptBucketDefaults } from '../defaults/bucket-defaults';
import { acceptBucketDeploymentHandler } from '../nag';

export interface TrackerScriptProps {
  /** Bucket receiving the script bucket's access logs. */
  readonly serverAccessLogsBucket: s3.IBucket;
  /**
   * Props merged over `scriptBucketDefaults()`.
   * @default - the defaults only
   */
  readonly bucketProps?: s3.BucketProps;
}

/** The private bucket CloudFront serves the tracker script from, and its upload on deploy. */
export class TrackerScript extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: TrackerScriptProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...scriptBucketDefaults({ serverAccessLogsBucket: props.serverAccessLogsBucket }),
      ...props.bucketProps,
    });
  }

  /**
   * Uploads the built tracker in `assetPath` on every deploy and invalidates `/s.js`. The
   * content-hashed `s.<hash>.js` files are cached for a year; the `s.js` loader for 5 minutes.
   * Old builds are kept: pages cached by browsers may still reference them.
   * When `assetPath` holds no `s.js` the upload is skipped with a warning.
   */
  public deployFrom(assetPath: string, distribution: cloudfront.IDistribution): void {
    if (!fs.existsSync(path.join(assetPath, 's.js'))) {
      Annotations.of(this).addWarningV2(
        'sightline:trackerAssetMissing',
        `No tracker build (s.js) in ${assetPath}: the script bucket is deployed without it. Build the tracker, then deploy again.`,
      );
      return;
    }
    new s3deploy.BucketDeployment(this, 'HashedBuilds', {
      sources: [s3deploy.Source.asset(assetPath, { exclude: ['s.js'] })],
      destinationBucket: this.bucket,
      prune: false,
      cacheControl: [
        s3deploy.CacheControl.setPublic(),
        s3deploy.CacheControl.maxAge(Duration.days(365)),
        s3deploy.CacheControl.immutable(),
      ],
    });
    new s3deploy.BucketDeployment(this, 'Loader', {
      sources: [s3deploy.Source.asset(assetPath, { exclude: ['*', '!s.js'] })],
      destinationBucket: this.bucket,
      prune: false,
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.minutes(5))],
      distribution,
      distributionPaths: ['/s.js'],
    });
    acceptBucketDeploymentHandler(Stack.of(this), this.bucket);
  }
}
