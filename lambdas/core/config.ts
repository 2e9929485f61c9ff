import { ConfigError } from './errors';

/**
 * Environment variable names shared by their one writer (a CDK construct in `lib/`) and their
 * one reader (a Lambda, through `requireEnv`). Importing the names keeps both sides in step.
 */
export const ENV = {
  eventsStreamName: 'SIGHTLINE_EVENTS_STREAM',
  lakeBucket: 'SIGHTLINE_LAKE_BUCKET',
  eventsDeliveryStream: 'SIGHTLINE_EVENTS_DELIVERY_STREAM',
  failedEventsDeliveryStream: 'SIGHTLINE_FAILED_EVENTS_DELIVERY_STREAM',
  dbClusterArn: 'SIGHTLINE_DB_CLUSTER_ARN',
  dbSecretArn: 'SIGHTLINE_DB_SECRET_ARN',
  dbName: 'SIGHTLINE_DB_NAME',
  athenaWorkgroup: 'SIGHTLINE_ATHENA_WORKGROUP',
  glueDatabase: 'SIGHTLINE_GLUE_DATABASE',
  athenaOutput: 'SIGHTLINE_ATHENA_OUTPUT',
  keyValueTable: 'SIGHTLINE_KV_TABLE',
  identityQueueUrl: 'SIGHTLINE_IDENTITY_QUEUE_URL',
  identityDlqUrl: 'SIGHTLINE_IDENTITY_DLQ_URL',
  kmsKeyId: 'SIGHTLINE_KMS_KEY_ID',
  userPoolId: 'SIGHTLINE_USER_POOL_ID',
  userPoolClientId: 'SIGHTLINE_USER_POOL_CLIENT_ID',
  trackerOrigin: 'SIGHTLINE_TRACKER_ORIGIN',
  trustedProxies: 'SIGHTLINE_TRUSTED_PROXIES',
  originVerifySecret: 'SIGHTLINE_ORIGIN_VERIFY_SECRET',
  geoipCityPath: 'SIGHTLINE_GEOIP_CITY',
  /** A separate IPv6 City database (DB-IP ships one per family); with it, the City path serves IPv4. */
  geoipCityIpv6Path: 'SIGHTLINE_GEOIP_CITY_IPV6',
  geoipAsnPath: 'SIGHTLINE_GEOIP_ASN',
  geoipAnonymousIpPath: 'SIGHTLINE_GEOIP_ANONYMOUS_IP',
} as const;

/** The header CloudFront adds to origin requests to prove a request passed through it. */
export const ORIGIN_VERIFY_HEADER = 'x-sightline-origin-verify';

/**
 * The host name the viewer asked CloudFront for, copied by a viewer-request function (CloudFront
 * forwards every viewer header but `Host`, which names the API origin). Believed only with
 * `ORIGIN_VERIFY_HEADER`.
 */
export const VIEWER_HOST_HEADER = 'x-sightline-viewer-host';

export type EnvName = (typeof ENV)[keyof typeof ENV];

/** Reads a variable once; throws a `ConfigError` naming it when it is missing or empty. */
export function requireEnv(name: EnvName, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new ConfigError(`Environment variable ${name} is required but not set`);
  }
  return value;
}

/** Reads an optional variable; `undefined` when unset or empty. */
export function optionalEnv(name: EnvName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
