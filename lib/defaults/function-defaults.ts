import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The one Node.js runtime Sightline runs on; move every function together when it changes. */
export const SIGHTLINE_RUNTIME = lambda.Runtime.NODEJS_22_X;

/**
 * esbuild output is ESM; a few dependencies still call `require`, which ESM lacks, so the banner
 * recreates it (the Powertools-documented workaround).
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

/**
 * Org-default settings of every Sightline Lambda: arm64, the current Node runtime, JSON logs,
 * minified ESM bundles with source maps, and the Powertools service name.
 */
export function functionDefaults(serviceName: string): NodejsFunctionProps {
  return {
    runtime: SIGHTLINE_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(10),
    loggingFormat: lambda.LoggingFormat.JSON,
    applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
    systemLogLevelV2: lambda.SystemLogLevel.WARN,
    environment: {
      POWERTOOLS_SERVICE_NAME: serviceName,
      // Stack traces through the minified bundle point at the TypeScript sources.
      NODE_OPTIONS: '--enable-source-maps',
    },
    bundling: {
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      target: 'node22',
      format: OutputFormat.ESM,
      mainFields: ['module', 'main'],
      banner: ESM_REQUIRE_BANNER,
      // The runtime brings the AWS SDK; the GeoIP database comes from S3 (`geoipCity`), not the bundle.
      externalModules: [...LAMBDA_EXTERNAL_MODULES],
      // Bundle locally with the repository's esbuild: `cdk synth` needs no Docker.
      forceDockerBundling: false,
    },
  };
}

/** Left out of every bundle (and of `npm run build`, which reports the same sizes). */
export const LAMBDA_EXTERNAL_MODULES = ['@aws-sdk/*', '@smithy/*', '@ip-location-db/*'] as const;

/**
 * Merges a function's own props over the defaults; `environment` and `bundling` merge key by key
 * so a function can add a variable without dropping the defaults.
 */
export function mergeFunctionProps(defaults: NodejsFunctionProps, overrides: NodejsFunctionProps): NodejsFunctionProps {
  return {
    ...defaults,
    ...overrides,
    environment: { ...defaults.environment, ...overrides.environment },
    bundling: { ...defaults.bundling, ...overrides.bundling },
  };
}
