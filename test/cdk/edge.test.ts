jest.mock('aws-cdk-lib/aws-lambda-nodejs', () => jest.requireActual('./support/nodejs-function-mock'));

import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ENV, ORIGIN_VERIFY_HEADER, VIEWER_HOST_HEADER } from '../../lambdas/core/config';
import { TrackerScript } from '../../lib/constructs/tracker-script';
import { API_PATHS, SCRIPT_PATHS } from '../../lib/defaults/cdn-defaults';
import { COLLECT_ROUTES } from '../../lib/stacks/function-wiring';
import { dashboardBuild, deploy, trackerBuild } from './support/deploy';
import { logicalId } from './support/iam';

const customDomain = {
  customDomain: 't.example.com',
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
};

/** The code of the CloudFront Function a behavior's association points at. */
function functionCodeOf(template: ReturnType<typeof deploy>['template'], association: { FunctionARN: unknown }) {
  const [id] = (association.FunctionARN as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
  return template.findResources('AWS::CloudFront::Function')[id]?.Properties.FunctionCode as string;
}

function distributionConfig(template: ReturnType<typeof deploy>['template']) {
  const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
  return distribution.Properties.DistributionConfig;
}

describe('edge: CloudFront and the collection API', () => {
  it('proves to the collector that a request came through CloudFront with a header only the stack knows', () => {
    const { template } = deploy();

    const config = distributionConfig(template);
    const apiOrigin = config.Origins.find((o: { CustomOriginConfig?: unknown }) => o.CustomOriginConfig !== undefined);
    const sent = apiOrigin.OriginCustomHeaders.find(
      (h: { HeaderName: string }) => h.HeaderName === ORIGIN_VERIFY_HEADER,
    );
    const collect = Object.values(template.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.Environment?.Variables?.[ENV.trustedProxies] === 'cloudfront',
    );
    expect(sent.HeaderValue).toEqual({ 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] });
    expect(collect?.Properties.Environment.Variables[ENV.originVerifySecret]).toEqual(sent.HeaderValue);
  });

  it('serves the script paths from the script bucket through origin access control', () => {
    const { stack, template } = deploy();

    const config = distributionConfig(template);
    const s3Origin = config.Origins.find((o: { S3OriginConfig?: unknown }) => o.S3OriginConfig !== undefined);
    expect(s3Origin.DomainName).toEqual({ 'Fn::GetAtt': [logicalId(stack.script.bucket), 'RegionalDomainName'] });
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    for (const path of SCRIPT_PATHS) {
      expect(config.CacheBehaviors).toEqual(
        expect.arrayContaining([expect.objectContaining({ PathPattern: path, TargetOriginId: s3Origin.Id })]),
      );
    }
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(stack.script.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' }),
        ]),
      },
    });
  });

  it('forwards every collection path to the API origin over TLS 1.2, uncached', () => {
    const { template } = deploy();

    const config = distributionConfig(template);
    const apiOrigin = config.Origins.find((o: { CustomOriginConfig?: unknown }) => o.CustomOriginConfig !== undefined);
    expect(apiOrigin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    for (const { path } of API_PATHS) {
      expect(config.CacheBehaviors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            PathPattern: path,
            TargetOriginId: apiOrigin.Id,
            CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // CachingDisabled
            AllowedMethods: expect.arrayContaining(['POST', 'OPTIONS']),
          }),
        ]),
      );
    }
  });

  it("forwards viewer headers and CloudFront's viewer address and location, but not Host, to the API", () => {
    const { template } = deploy();

    const apiBehaviors = distributionConfig(template).CacheBehaviors.filter((b: { PathPattern: string }) =>
      API_PATHS.some(({ path }) => path === b.PathPattern),
    );
    expect(apiBehaviors).toHaveLength(API_PATHS.length);
    for (const behavior of apiBehaviors) {
      expect(behavior.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // AllViewerExceptHostHeader
    }
  });

  it('tells the collector which host the viewer asked for on the paths that set first-party cookies', () => {
    const { template } = deploy(customDomain);

    const behaviors = distributionConfig(template).CacheBehaviors as {
      PathPattern: string;
      FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
    }[];
    const collect = behaviors.find((b) => b.PathPattern === '/e');
    const [association] = collect?.FunctionAssociations ?? [];
    expect(association?.EventType).toBe('viewer-request');
    const code = functionCodeOf(template, association as { FunctionARN: unknown });
    // Run it as CloudFront would: the viewer's Host is copied, a header the viewer forged is replaced.
    const handler = new Function(`${code}; return handler;`)() as (e: {
      request: { headers: Record<string, { value: string }> };
    }) => { headers: Record<string, { value: string }> };
    const request = {
      headers: { host: { value: 't.example.com' }, [VIEWER_HOST_HEADER]: { value: 'forged.example' } },
    };
    expect(handler({ request }).headers[VIEWER_HOST_HEADER]).toEqual({ value: 't.example.com' });
    // Of the API paths, only those setting cookies on the site's domain pay for the function.
    const withFunction = behaviors.filter((b) => b.FunctionAssociations?.length).map((b) => b.PathPattern);
    expect(withFunction.sort()).toEqual(['/e', '/r/*']);
  });

  it('serves a custom domain with its certificate and TLS 1.2 (2021) at minimum', () => {
    const { template } = deploy(customDomain);

    expect(distributionConfig(template)).toMatchObject({
      Aliases: ['t.example.com'],
      ViewerCertificate: {
        AcmCertificateArn: customDomain.certificateArn,
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
    });
  });

  it('writes CloudFront standard logs to the access-logs bucket and attaches the web ACL when set', () => {
    const webAclArn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/sightline/abc-123';
    const { stack, template } = deploy({ webAclArn });

    expect(distributionConfig(template)).toMatchObject({
      Logging: {
        Bucket: { 'Fn::GetAtt': [logicalId(stack.accessLogs.bucket), 'RegionalDomainName'] },
        Prefix: 'cloudfront/',
      },
      WebACLId: webAclArn,
    });
  });

  it('uploads the tracker build and invalidates /s.js when the build folder exists', () => {
    const { template } = deploy({ trackerAssetPath: trackerBuild() });

    template.resourceCountIs('Custom::CDKBucketDeployment', 2);
    template.hasResourceProperties('Custom::CDKBucketDeployment', { DistributionPaths: ['/s.js'] });
  });

  it('warns instead of failing when there is no tracker build to upload', () => {
    const stack = new Stack(new App(), 'Script');
    const script = new TrackerScript(stack, 'TrackerScript', { serverAccessLogsBucket: new s3.Bucket(stack, 'Logs') });
    const distribution = cloudfront.Distribution.fromDistributionAttributes(stack, 'Cdn', {
      distributionId: 'E123',
      domainName: 'd123.cloudfront.net',
    });

    script.deployFrom(path.join(__dirname, 'no-such-build'), distribution);

    Template.fromStack(stack).resourceCountIs('Custom::CDKBucketDeployment', 0);
    Annotations.fromStack(stack).hasWarning('/Script/TrackerScript', Match.stringLikeRegexp('No tracker build'));
  });

  it('throttles the API stage and writes JSON access logs without client addresses', () => {
    const { template } = deploy({ apiRateLimit: 50, apiBurstLimit: 100 });

    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    expect(stage.Properties.AccessLogSettings.Format).not.toContain('sourceIp');
  });

  it('routes the collection endpoints to collect publicly and health to IAM-signed callers only', () => {
    const { stack, template } = deploy();

    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    const integrationOf = (fn: keyof typeof stack.functions) =>
      Object.entries(template.findResources('AWS::ApiGatewayV2::Integration')).find(([, i]) =>
        JSON.stringify(i.Properties.IntegrationUri).includes(`"${logicalId(stack.functions[fn].function)}"`),
      )?.[0];
    const target = (fn: keyof typeof stack.functions) => ({
      'Fn::Join': ['', ['integrations/', { Ref: integrationOf(fn) }]],
    });

    for (const routeKey of COLLECT_ROUTES) {
      expect(routes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ RouteKey: routeKey, AuthorizationType: 'NONE', Target: target('collect') }),
        ]),
      );
    }
    expect(routes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ RouteKey: 'GET /health', AuthorizationType: 'AWS_IAM', Target: target('health') }),
      ]),
    );
  });

  it('uploads the dashboard build with immutable assets and a revalidated index.html', () => {
    const { template } = deploy({ dashboardAssetPath: dashboardBuild() });

    template.resourceCountIs('Custom::CDKBucketDeployment', 2);
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DistributionPaths: ['/index.html'],
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
  });

  it('serves the dashboard from the same distribution, rewriting its routes to index.html', () => {
    const { template } = deploy();

    const config = distributionConfig(template);
    const [association] = config.DefaultCacheBehavior.FunctionAssociations;
    expect(association.EventType).toBe('viewer-request');
    const code = functionCodeOf(template, association);
    // Run the function's code as CloudFront would, on a route and on a file.
    const handler = new Function(`${code}; return handler;`)() as (e: { request: { uri: string } }) => { uri: string };
    expect(handler({ request: { uri: '/visitors/42' } }).uri).toBe('/index.html');
    expect(handler({ request: { uri: '/assets/index-abc.js' } }).uri).toBe('/assets/index-abc.js');
  });
});
