import { Duration } from 'aws-cdk-lib';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BUNDLED_ATTRIBUTION_DIR, BUNDLED_QUERIES_DIR } from '../../lambdas/api/api-env';
import { eventSources, type LambdaName } from '../../lambdas/entries';
import { erasableLakeTables, lakeTables, rollupLakeTables } from '../../lambdas/lake/tables';
import type { Alarms } from '../constructs/alarms';
import type { Analytics } from '../constructs/analytics';
import type { Auth } from '../constructs/auth';
import type { Cdn } from '../constructs/cdn';
import type { CollectionApi } from '../constructs/collection-api';
import { invokeDaily } from '../constructs/daily-invocation';
import type { Database } from '../constructs/database';
import type { EncryptionKey } from '../constructs/encryption-key';
import type { EventStream } from '../constructs/event-stream';
import type { GeoIpDatabases } from '../constructs/geoip-databases';
import type { KeyValueTable } from '../constructs/key-value-table';
import type { Lake } from '../constructs/lake';
import type { LakeDelivery } from '../constructs/lake-delivery';
import type { QueueWithDlq } from '../constructs/queue-with-dlq';

/** What a function can be connected to. */
export interface SightlineResources {
  readonly api: CollectionApi;
  readonly auth: Auth;
  readonly cdn: Cdn;
  readonly events: EventStream;
  readonly lake: Lake;
  readonly lakeDelivery: LakeDelivery;
  readonly geoIp: GeoIpDatabases;
  readonly database: Database;
  readonly analytics: Analytics;
  readonly keyValue: KeyValueTable;
  readonly identityQueue: QueueWithDlq;
  readonly key: EncryptionKey;
  readonly alarms: Alarms;
}

export interface FunctionSpec {
  /**
   * Memory, timeout, extra environment, merged over `functionDefaults()`.
   * @default - the org defaults
   */
  readonly props?: NodejsFunctionProps;
  /** Routes, event sources, and each resource binding (its env var and its grant, together). */
  readonly wire: (fn: lambda.Function, r: SightlineResources) => void;
}

/**
 * API-facing functions may wait for a paused Aurora cluster to resume (~15 s) through the Data
 * API; API Gateway gives up at 30 s.
 */
const API_TIMEOUT = Duration.seconds(25);

/** Routes the collector answers; CloudFront forwards the same paths (`API_PATHS`). */
export const COLLECT_ROUTES = ['POST /e', 'GET /e.gif', 'GET /c', 'POST /v1/{proxy+}'] as const;

/**
 * How each Lambda of `lambdaEntries` is connected. Typed by `LambdaName`, so a new entry does not
 * compile until it has its line here; a function gets exactly the bindings listed, nothing more.
 */
export const functionSpecs: { readonly [K in LambdaName]: FunctionSpec } = {
  // Probes every adapter with its cheapest call: grants are the read-only minimum of each probe.
  // IAM-signed callers only: each call runs an Athena query and wakes a paused Aurora cluster.
  health: {
    props: { timeout: API_TIMEOUT },
    wire: (fn, r) => {
      r.api.addRoutes(fn, ['GET /health'], { authorizer: new HttpIamAuthorizer() });
      r.database.bindDataApi(fn);
      r.analytics.bindQuerier(fn);
      r.events.bindDescriber(fn);
      r.identityQueue.bindDepthReader(fn);
      r.keyValue.bindReader(fn);
      r.lake.bindLister(fn);
    },
  },
  collect: {
    props: { memorySize: 512, timeout: API_TIMEOUT },
    wire: (fn, r) => {
      r.api.addRoutes(fn, COLLECT_ROUTES);
      r.cdn.bindTrustedProxy(fn);
      r.events.bindProducer(fn);
      r.database.bindDataApi(fn); // the site registry
    },
  },
  // The dashboard's API: Cognito tokens checked by API Gateway, roles and RLS by the function.
  api: {
    props: {
      memorySize: 1024,
      timeout: API_TIMEOUT,
      bundling: {
        // Reports run the named and attribution queries: ship their SQL beside the bundle (LAMBDA_TASK_ROOT).
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `cp -r "${inputDir}/athena/queries" "${outputDir}/${BUNDLED_QUERIES_DIR}"`,
            `cp -r "${inputDir}/athena/attribution" "${outputDir}/${BUNDLED_ATTRIBUTION_DIR}"`,
          ],
        },
      },
    },
    wire: (fn, r) => {
      r.api.addRoutes(fn, ['ANY /api/{proxy+}'], { authorizer: r.auth.jwtAuthorizer() });
      // The API description and the sign-in configuration are public by design.
      r.api.addRoutes(fn, ['GET /api/openapi.json', 'GET /api/config']);
      r.auth.bindTokenVerifier(fn);
      r.auth.bindUserAdministrator(fn); // invitations create Cognito users, removals delete them
      r.cdn.bindTrackerOrigin(fn);
      r.database.bindDataApi(fn);
      r.analytics.bindQuerier(fn);
      r.keyValue.bindReadWrite(fn); // report cache, rate limits
      r.key.bindDataKeyWrapper(fn); // decrypts persons' PII for analysts
    },
  },
  // Identity resolution: the identity queue's consumer, persons in Aurora, PII keys from KMS.
  resolveIdentity: {
    props: { memorySize: 512, timeout: Duration.seconds(60) },
    wire: (fn, r) => {
      r.identityQueue.bindConsumer(fn, {
        batchSize: eventSources.resolveIdentity.batchSize,
        maxBatchingWindow: Duration.seconds(eventSources.resolveIdentity.maxBatchingWindowSeconds),
      });
      r.database.bindDataApi(fn);
      r.key.bindDataKeyWrapper(fn);
    },
  },
  // Affiliate and mobile-attribution postbacks: verified per site, stored idempotently, streamed.
  postback: {
    props: { timeout: API_TIMEOUT },
    wire: (fn, r) => {
      r.api.addRoutes(fn, ['GET /postback/{network}', 'POST /postback/{network}']);
      r.cdn.bindTrustedProxy(fn);
      r.database.bindDataApi(fn);
      r.events.bindProducer(fn);
      r.keyValue.bindReadWrite(fn); // click lookups
      r.key.bindDataKeyWrapper(fn); // HMAC secrets are stored encrypted
    },
  },
  // Tracked links: record the click, drop the click cookie, 302.
  redirect: {
    props: { timeout: API_TIMEOUT },
    wire: (fn, r) => {
      r.api.addRoutes(fn, ['GET /r/{linkId}']);
      r.cdn.bindTrustedProxy(fn);
      r.database.bindDataApi(fn); // the link registry
      r.events.bindProducer(fn);
      r.keyValue.bindReadWrite(fn); // clicks, kept with a TTL
    },
  },
  enrich: {
    props: { memorySize: 1024, timeout: Duration.minutes(2) },
    wire: (fn, r) => {
      r.alarms.onDeadLetters('EnrichFailedRecords', r.events.bindConsumer(fn, 'Enrich'));
      r.alarms.onIteratorAge('Enrich', fn);
      r.lakeDelivery.bindWriter(fn); // rows reach the lake through Firehose, not direct writes
      r.geoIp.bindReader(fn);
      r.database.bindDataApi(fn); // site registry, installation status
      r.keyValue.bindReadWrite(fn); // first-delivery claims (idempotency)
      r.identityQueue.bindSender(fn);
    },
  }, // Schema migrations after each deployment; partitions ahead, each site's retention and the session and visitor rollups once a day.
  maintain: {
    // Lake erasure reads and rewrites whole Parquet files (Firehose writes up to 128 MB of input each).
    props: { memorySize: 2048, timeout: Duration.minutes(15) },
    wire: (fn, r) => {
      r.database.bindDataApi(fn);
      r.database.migrateOnDeploy(fn);
      r.lake.bindPartitionDeleter(
        fn,
        lakeTables.map((t) => t.prefix),
      );
      r.analytics.bindQuerier(fn); // reads events to roll finished days' sessions and visitors up
      // Writes the rollups, and rewrites files without an erased person's rows (lifecycle/lake-erasure.ts).
      r.lake.bindTableWriter(fn, [...new Set([...rollupLakeTables, ...erasableLakeTables].map((t) => t.prefix))]);
      r.key.bindDataKeyWrapper(fn); // retention erases persons: the erased identifiers' digests take the index key
      invokeDaily(fn, { task: 'daily' });
    },
  },
};
