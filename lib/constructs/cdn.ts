import { Fn, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV, ORIGIN_VERIFY_HEADER, VIEWER_HOST_HEADER } from '../../lambdas/core/config';
import {
  API_PATHS,
  apiBehaviorDefaults,
  SCRIPT_PATHS,
  scriptBehaviorDefaults,
  viewerHostFunctionCode,
} from '../defaults/cdn-defaults';
import { acceptCdnFindings } from '../nag';

export interface CdnProps {
  /** Private bucket holding the tracker script, read through origin access control. */
  readonly scriptBucket: s3.IBucket;
  /** Host name of the collection API (its execute-api domain). */
  readonly apiDomainName: string;
  /** Bucket receiving CloudFront standard logs (needs ACLs enabled). */
  readonly logBucket: s3.IBucket;
  /**
   * First-party host name to serve on; requires `certificateArn`.
   * @default - the `*.cloudfront.net` name only
   */
  readonly customDomain?: string;
  /**
   * us-east-1 ACM certificate covering `customDomain`.
   * @default - none
   */
  readonly certificateArn?: string;
  /**
   * CLOUDFRONT-scope WAFv2 web ACL ARN.
   * @default - no web ACL
   */
  readonly webAclArn?: string;
  /**
   * Edge locations used.
   * @default cloudfront.PriceClass.PRICE_CLASS_ALL
   */
  readonly priceClass?: cloudfront.PriceClass;
}

/** Viewer-request function: `/visitors/42` → `/index.html`; files (`/assets/x.js`) pass. */
const SPA_REWRITE = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * The first-party edge: `/s.js` and `/s.*.js` from the script bucket (origin access control),
 * collection paths from the HTTP API, TLS 1.2+ on a custom domain, standard logs to S3.
 */
export class Cdn extends Construct {
  public readonly distribution: cloudfront.Distribution;
  private readonly customDomain: string | undefined;
  /**
   * Sent by CloudFront to the API on every request; the collector believes CloudFront's viewer
   * headers only when it is present, so calling the API directly cannot forge a client IP. The
   * stack's unique id: unguessable from outside, stable across deploys.
   */
  private readonly originSecret = Fn.select(2, Fn.split('/', Stack.of(this).stackId));

  constructor(scope: Construct, id: string, props: CdnProps) {
    super(scope, id);
    this.customDomain =
      props.customDomain !== undefined && props.certificateArn !== undefined ? props.customDomain : undefined;
    const scriptOrigin = origins.S3BucketOrigin.withOriginAccessControl(props.scriptBucket);
    const apiOrigin = new origins.HttpOrigin(props.apiDomainName, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      customHeaders: { [ORIGIN_VERIFY_HEADER]: this.originSecret },
    });

    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
    for (const path of SCRIPT_PATHS) additionalBehaviors[path] = scriptBehaviorDefaults(scriptOrigin);
    // The collector sets the first-party cookie only for a host on the site's domain: it needs the host
    // the browser asked for, which Host no longer names once CloudFront forwards to the API.
    const viewerHost = new cloudfront.Function(this, 'ViewerHost', {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: `Copy the viewer's Host into ${VIEWER_HOST_HEADER} for the collector`,
      code: cloudfront.FunctionCode.fromInline(viewerHostFunctionCode(VIEWER_HOST_HEADER)),
    });
    for (const { path, redirectHttp, viewerHost: needsHost } of API_PATHS) {
      additionalBehaviors[path] = apiBehaviorDefaults(apiOrigin, redirectHttp, needsHost ? viewerHost : undefined);
    }

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Sightline: tracker script and event collection',
      defaultBehavior: {
        ...scriptBehaviorDefaults(scriptOrigin),
        // The dashboard is a single-page app: its routes (`/visitors/…`) are served index.html.
        functionAssociations: [
          {
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
            function: new cloudfront.Function(this, 'SpaRewrite', {
              runtime: cloudfront.FunctionRuntime.JS_2_0,
              comment: 'Serve index.html for dashboard routes (paths without a file extension)',
              code: cloudfront.FunctionCode.fromInline(SPA_REWRITE),
            }),
          },
        ],
      },
      additionalBehaviors,
      ...(props.customDomain !== undefined && props.certificateArn !== undefined
        ? {
            domainNames: [props.customDomain],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn),
            // Only a custom certificate lets the distribution choose its security policy.
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_ALL,
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
      logIncludesCookies: false,
    });
    acceptCdnFindings(this.distribution, {
      hasCustomDomain: props.customDomain !== undefined,
      hasWebAcl: props.webAclArn !== undefined,
    });
  }

  /** The URL visitors' browsers load the script from and send events to (the custom domain when set). */
  public get url(): string {
    return `https://${this.customDomain ?? this.distribution.domainName}`;
  }

  /**
   * Tells `fn` (`ENV.trustedProxies`) that requests arrive through this distribution, so the
   * client address is CloudFront's `CloudFront-Viewer-Address` header.
   */
  /** Tells `fn` the public origin serving the tracker and collector (`ENV.trackerOrigin`), for snippets. */
  public bindTrackerOrigin(fn: lambda.Function): void {
    fn.addEnvironment(ENV.trackerOrigin, this.url);
  }

  public bindTrustedProxy(fn: lambda.Function): void {
    fn.addEnvironment(ENV.trustedProxies, 'cloudfront');
    fn.addEnvironment(ENV.originVerifySecret, this.originSecret);
  }
}
