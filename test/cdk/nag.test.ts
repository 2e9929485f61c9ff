jest.mock('aws-cdk-lib/aws-lambda-nodejs', () => jest.requireActual('./support/nodejs-function-mock'));

import { App } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { applyNagChecks } from '../../lib/nag';
import { resolveSettings } from '../../lib/settings';
import { SightlineStack } from '../../lib/stacks/sightline-stack';
import { type Deployment, dashboardBuild, defaultCityFolder, deploy, trackerBuild } from './support/deploy';

/** Every AwsSolutions finding, error or warning, not acknowledged in the app: `rule at construct path`. */
function unacknowledged({ app }: Pick<Deployment, 'app'>): string[] {
  const report = new AwsSolutionsChecks(app).validateScope(app);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding with the default settings', () => {
    expect(unacknowledged(deploy())).toEqual([]);
  });

  it('reports no unacknowledged finding with every optional setting on', () => {
    const deployment = deploy({
      customDomain: 't.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
      webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/sightline/abc-123',
      alarmEmail: 'ops@example.com',
      geoipCity: 's3://geo-bucket/GeoLite2-City.mmdb',
      trackerAssetPath: trackerBuild(),
      dashboardAssetPath: dashboardBuild(),
    });

    expect(unacknowledged(deployment)).toEqual([]);
  });

  it('reports no unacknowledged finding in a stack pinned to an account and region', () => {
    expect(
      unacknowledged(deploy({ account: '123456789012', region: 'eu-west-1', trackerAssetPath: trackerBuild() })),
    ).toEqual([]);
  });

  it('reports what nobody acknowledged, such as an unencrypted queue without a DLQ', () => {
    const deployment = deploy();
    new sqs.Queue(deployment.stack, 'Unreviewed', { encryption: sqs.QueueEncryption.UNENCRYPTED });

    expect(unacknowledged(deployment)).toEqual(
      expect.arrayContaining([
        'AwsSolutions-SQS2 at Sightline/Unreviewed/Resource',
        'AwsSolutions-SQS3 at Sightline/Unreviewed/Resource',
        'AwsSolutions-SQS4 at Sightline/Unreviewed/Resource',
      ]),
    );
  });

  it('lets the app synthesize with the checks registered as bin/app.ts registers them', () => {
    const app = new App();
    new SightlineStack(app, 'Sightline', {
      settings: resolveSettings({ trackerAssetPath: trackerBuild(), geoipDefaultCityAssetPath: defaultCityFolder() }),
    });
    applyNagChecks(app);

    expect(() => app.synth()).not.toThrow();
  });
});
