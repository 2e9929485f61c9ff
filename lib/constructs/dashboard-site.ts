import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations, Duration, Stack } from 'aws-cdk-lib';
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acceptBucketDeploymentHandler } from '../nag';

export interface DashboardSiteProps {
  /** The static-site bucket CloudFront's default behaviour serves (the tracker's bucket). */
  readonly bucket: s3.IBucket;
  readonly distribution: cloudfront.IDistribution;
  /** The dashboard's static build (`dashboard/dist`). */
  readonly assetPath: string;
}

/**
 * Hosts the dashboard's static build on the same CloudFront distribution as the tracker and the
 * API, so the app, its API and the collector share one first-party origin (no CORS, first-party
 * session cookies). Amplify Hosting is not used: without a connected Git repository it can only
 * take builds through its deployment API outside CloudFormation, so one `cdk deploy` could not
 * ship the build. Hashed assets are cached for a year, `index.html` is revalidated each time.
 */
export class DashboardSite extends Construct {
  constructor(scope: Construct, id: string, props: DashboardSiteProps) {
    super(scope, id);
    if (!fs.existsSync(path.join(props.assetPath, 'index.html'))) {
      Annotations.of(this).addWarningV2(
        'sightline:dashboardAssetMissing',
        `No dashboard build (index.html) in ${props.assetPath}: run \`npm run build:dashboard\`, then deploy again.`,
      );
      return;
    }
    new s3deploy.BucketDeployment(this, 'Assets', {
      sources: [s3deploy.Source.asset(props.assetPath, { exclude: ['index.html'] })],
      destinationBucket: props.bucket,
      prune: false,
      cacheControl: [
        s3deploy.CacheControl.setPublic(),
        s3deploy.CacheControl.maxAge(Duration.days(365)),
        s3deploy.CacheControl.immutable(),
      ],
    });
    new s3deploy.BucketDeployment(this, 'Index', {
      sources: [s3deploy.Source.asset(props.assetPath, { exclude: ['*', '!index.html'] })],
      destinationBucket: props.bucket,
      prune: false,
      cacheControl: [s3deploy.CacheControl.noCache()],
      distribution: props.distribution,
      distributionPaths: ['/index.html'],
    });
    acceptBucketDeploymentHandler(Stack.of(this), props.bucket);
  }
}
