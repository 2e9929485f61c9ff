import { Names } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { collectionApiAccessLogFormat } from '../defaults/api-defaults';
import { acceptPublicRoute } from '../nag';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ANY';

/** A route as API Gateway writes it: `'POST /e'`, `'GET /v1/{proxy+}'`. */
export type RouteKey = `${Method} /${string}`;

export interface AddRoutesOptions {
  /**
   * Who may call the routes.
   * @default - anyone (public collection routes)
   */
  readonly authorizer?: apigwv2.IHttpRouteAuthorizer;
}

export interface CollectionApiProps {
  /**
   * Steady-state requests per second across the API.
   * @default 1000
   */
  readonly rateLimit?: number;
  /**
   * Request burst across the API.
   * @default 2000
   */
  readonly burstLimit?: number;
  /**
   * How long CloudWatch keeps the access logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Key encrypting the access log group.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
}

/**
 * The API Gateway HTTP API behind CloudFront's collection paths: one throttled, access-logged
 * `$default` stage, and a Lambda integration per function.
 */
export class CollectionApi extends Construct {
  public readonly api: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
  public readonly accessLogs: logs.LogGroup;
  private readonly integrations = new Map<lambda.Function, HttpLambdaIntegration>();

  constructor(scope: Construct, id: string, props: CollectionApiProps = {}) {
    super(scope, id);
    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'Sightline collection API (served through CloudFront)',
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.logEncryptionKey,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 1000, burstLimit: props.burstLimit ?? 2000 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: collectionApiAccessLogFormat(),
      },
    });
  }

  /** Host name of the API's execute-api endpoint, for use as a CloudFront origin. */
  public get domainName(): string {
    return `${this.api.apiId}.execute-api.${this.api.stack.region}.${this.api.stack.urlSuffix}`;
  }

  /**
   * Routes each of `routeKeys` to `fn`. Without an authorizer the routes are public: they serve
   * anonymous browsers.
   *
   * @example
   * api.addRoutes(collect.function, ['POST /e', 'GET /e.gif']);
   * api.addRoutes(health.function, ['GET /health'], { authorizer: new HttpIamAuthorizer() });
   */
  public addRoutes(fn: lambda.Function, routeKeys: readonly RouteKey[], options: AddRoutesOptions = {}): void {
    const integration = this.integrationOf(fn);
    for (const routeKey of routeKeys) {
      const [method, path] = routeKey.split(' ') as [Method, string];
      for (const route of this.api.addRoutes({
        path,
        methods: [apigwv2.HttpMethod[method]],
        integration,
        authorizer: options.authorizer,
      })) {
        if (options.authorizer === undefined) acceptPublicRoute(route, routeKey);
      }
    }
  }

  private integrationOf(fn: lambda.Function): HttpLambdaIntegration {
    let integration = this.integrations.get(fn);
    if (integration === undefined) {
      integration = new HttpLambdaIntegration(`${Names.uniqueId(fn)}Integration`, fn);
      this.integrations.set(fn, integration);
    }
    return integration;
  }
}
