import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ENV } from '../../lambdas/core/config';
import { type LambdaName, lambdaEntries } from '../../lambdas/entries';
import { AccessLogsBucket } from '../constructs/access-logs-bucket';
import { Alarms } from '../constructs/alarms';
import { Analytics } from '../constructs/analytics';
import { Auth } from '../constructs/auth';
import { Cdn } from '../constructs/cdn';
import { CollectionApi } from '../constructs/collection-api';
import { DashboardSite } from '../constructs/dashboard-site';
import { Database } from '../constructs/database';
import { EncryptionKey } from '../constructs/encryption-key';
import { EventStream } from '../constructs/event-stream';
import { GeoIpDatabases } from '../constructs/geoip-databases';
import { KeyValueTable } from '../constructs/key-value-table';
import { Lake } from '../constructs/lake';
import { LakeDelivery } from '../constructs/lake-delivery';
import { Network } from '../constructs/network';
import { QueueWithDlq } from '../constructs/queue-with-dlq';
import { SightlineFunction } from '../constructs/sightline-function';
import { TrackerScript } from '../constructs/tracker-script';
import { fromRepoRoot } from '../repo-root';
import { defaultSettings, type SightlineSettings } from '../settings';
import { functionSpecs, type SightlineResources } from './function-wiring';

export interface SightlineStackProps extends StackProps {
  /**
   * Per-customer settings, usually from `settingsFromContext(app.node)`.
   * @default defaultSettings()
   */
  readonly settings?: SightlineSettings;
}

/**
 * The production topology of one Sightline deployment: CloudFront in front of the script bucket
 * and the collection API, a Kinesis stream into enrichment, Firehose into the S3 lake as Parquet,
 * Aurora Serverless v2 behind the Data API, Glue + Athena over the lake, DynamoDB for small
 * records, the identity queue, Cognito for the dashboard, one KMS key, and alarms to one topic.
 */
export class SightlineStack extends Stack {
  public readonly settings: SightlineSettings;
  public readonly key: EncryptionKey;
  public readonly accessLogs: AccessLogsBucket;
  public readonly events: EventStream;
  public readonly lake: Lake;
  public readonly identityQueue: QueueWithDlq;
  public readonly keyValue: KeyValueTable;
  public readonly network: Network;
  public readonly database: Database;
  public readonly analytics: Analytics;
  public readonly lakeDelivery: LakeDelivery;
  public readonly geoIp: GeoIpDatabases;
  public readonly auth: Auth;
  public readonly api: CollectionApi;
  public readonly script: TrackerScript;
  public readonly cdn: Cdn;
  public readonly alarms: Alarms;
  public readonly functions: { readonly [K in LambdaName]: SightlineFunction };

  constructor(scope: Construct, id: string, props: SightlineStackProps = {}) {
    super(scope, id, props);
    const settings = props.settings ?? defaultSettings();
    this.settings = settings;
    Tags.of(this).add('app', 'sightline');
    const logRetention = settings.logRetentionDays as logs.RetentionDays;

    this.key = new EncryptionKey(this, 'EncryptionKey');
    const key = this.key.key;
    this.accessLogs = new AccessLogsBucket(this, 'AccessLogs', {
      retentionDays: Math.max(settings.logRetentionDays, 90),
    });
    this.events = new EventStream(this, 'Events', { encryptionKey: key });
    this.lake = new Lake(this, 'Lake', {
      encryptionKey: key,
      serverAccessLogsBucket: this.accessLogs.bucket,
      retentionDays: settings.retentionDays,
    });
    this.identityQueue = new QueueWithDlq(this, 'IdentityQueue', {
      encryptionKey: key,
      urlEnv: ENV.identityQueueUrl,
      deadLetterUrlEnv: ENV.identityDlqUrl,
    });
    this.keyValue = new KeyValueTable(this, 'KeyValue', { encryptionKey: key });
    this.network = new Network(this, 'Network', { logRetention, logEncryptionKey: key });
    this.database = new Database(this, 'Database', {
      vpc: this.network.vpc,
      encryptionKey: key,
      minCapacity: settings.dbMinCapacity,
      maxCapacity: settings.dbMaxCapacity,
      deletionProtection: settings.dbDeletionProtection,
    });
    this.analytics = new Analytics(this, 'Analytics', {
      lakeBucket: this.lake.bucket,
      encryptionKey: key,
      serverAccessLogsBucket: this.accessLogs.bucket,
      bytesScannedCutoffPerQuery: settings.athenaBytesScannedCutoff,
    });
    this.lakeDelivery = new LakeDelivery(this, 'LakeDelivery', {
      lakeBucket: this.lake.bucket,
      encryptionKey: key,
      databaseName: this.analytics.databaseName,
      glueTables: this.analytics.tables,
      streamEnv: { events: ENV.eventsDeliveryStream, failed_events: ENV.failedEventsDeliveryStream },
      logRetention,
    });
    this.geoIp = new GeoIpDatabases(this, 'GeoIp', {
      city: settings.geoipCity,
      asn: settings.geoipAsn,
      anonymousIp: settings.geoipAnonymousIp,
      layerArn: settings.geoipLayerArn,
      defaultCityAssetPath: fromRepoRoot(settings.geoipDefaultCityAssetPath),
    });
    this.auth = new Auth(this, 'Auth');
    this.api = new CollectionApi(this, 'CollectionApi', {
      rateLimit: settings.apiRateLimit,
      burstLimit: settings.apiBurstLimit,
      logRetention,
      logEncryptionKey: key,
    });
    this.script = new TrackerScript(this, 'TrackerScript', { serverAccessLogsBucket: this.accessLogs.bucket });
    this.cdn = new Cdn(this, 'Cdn', {
      scriptBucket: this.script.bucket,
      apiDomainName: this.api.domainName,
      logBucket: this.accessLogs.bucket,
      customDomain: settings.customDomain,
      certificateArn: settings.certificateArn,
      webAclArn: settings.webAclArn,
    });
    this.script.deployFrom(fromRepoRoot(settings.trackerAssetPath), this.cdn.distribution);
    new DashboardSite(this, 'Dashboard', {
      bucket: this.script.bucket,
      distribution: this.cdn.distribution,
      assetPath: fromRepoRoot(settings.dashboardAssetPath),
    });
    this.alarms = new Alarms(this, 'Alarms', { encryptionKey: key, email: settings.alarmEmail });
    this.alarms.onDeadLetters('IdentityQueue', this.identityQueue.deadLetterQueue);
    for (const [table, stream] of this.lakeDelivery.streams)
      this.alarms.onDeliveryFailures(`Lake-${table}`, stream.ref);

    const resources: SightlineResources = {
      api: this.api,
      auth: this.auth,
      cdn: this.cdn,
      events: this.events,
      lake: this.lake,
      lakeDelivery: this.lakeDelivery,
      geoIp: this.geoIp,
      database: this.database,
      analytics: this.analytics,
      keyValue: this.keyValue,
      identityQueue: this.identityQueue,
      key: this.key,
      alarms: this.alarms,
    };
    this.functions = this.createFunctions(resources, logRetention);
    this.addOutputs();
  }

  /** One `SightlineFunction` per entry of `lambdaEntries`, wired by its `functionSpecs` line. */
  private createFunctions(resources: SightlineResources, logRetention: logs.RetentionDays) {
    const functions = {} as Record<LambdaName, SightlineFunction>;
    for (const name of Object.keys(lambdaEntries) as LambdaName[]) {
      const spec = functionSpecs[name];
      const id = name.charAt(0).toUpperCase() + name.slice(1);
      const fn = new SightlineFunction(this, id, {
        entry: lambdaEntries[name],
        serviceName: `sightline-${name}`,
        logRetention,
        logEncryptionKey: this.key.key,
        functionProps: spec.props,
      });
      spec.wire(fn.function, resources);
      this.alarms.onErrors(id, fn.function);
      functions[name] = fn;
    }
    return functions;
  }

  private addOutputs(): void {
    const outputs: Record<string, [string, string]> = {
      Url: [
        this.settings.customDomain ? `https://${this.settings.customDomain}` : this.cdn.url,
        'Script and collection base URL',
      ],
      DistributionDomainName: [this.cdn.distribution.domainName, 'CNAME target for the custom domain'],
      ApiEndpoint: [this.api.api.apiEndpoint, 'Collection API endpoint (behind CloudFront)'],
      UserPoolId: [this.auth.userPool.userPoolId, 'Cognito user pool of dashboard users'],
      AlarmTopicArn: [this.alarms.topic.topicArn, 'SNS topic alarms notify'],
      LakeBucketName: [this.lake.bucket.bucketName, 'S3 event lake'],
      AthenaWorkGroup: [this.analytics.workGroupName, 'Athena workgroup for lake queries'],
      GlueDatabase: [this.analytics.databaseName, 'Glue database describing the lake'],
      DatabaseClusterArn: [this.database.cluster.clusterArn, 'Aurora cluster (Data API)'],
      DatabaseSecretArn: [this.database.secret.secretArn, 'Aurora admin secret'],
    };
    for (const [id, [value, description]] of Object.entries(outputs)) new CfnOutput(this, id, { value, description });
  }
}
