import { Aws, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { attributionQueries, loadAttributionQuery } from '../../lambdas/attribution/attribution-queries';
import { ENV } from '../../lambdas/core/config';
import { loadNamedQuery, namedQueries, renderNamedQuery } from '../../lambdas/lake/named-queries';
import { type LakeTable, lakeTables } from '../../lambdas/lake/tables';
import { glueDatabaseName, workGroupConfiguration } from '../defaults/analytics-defaults';
import { queryResultsBucketDefaults } from '../defaults/bucket-defaults';
import { lakeTableInput } from '../defaults/lake-table-defaults';
import {
  acceptGlueTableWildcard,
  acceptKmsActionWildcards,
  acceptObjectKeyWildcard,
  acceptS3ReadActionWildcards,
  acceptS3WriteActionWildcards,
} from '../nag';

export interface AnalyticsProps {
  /** The lake bucket the tables read. */
  readonly lakeBucket: s3.IBucket;
  /** Key for query results. */
  readonly encryptionKey: kms.IKey;
  /** Bucket receiving the results bucket's access logs. */
  readonly serverAccessLogsBucket: s3.IBucket;
  /**
   * Athena cancels a query once it has scanned this many bytes (minimum 10 MB).
   * @default 10 GiB
   */
  readonly bytesScannedCutoffPerQuery?: number;
  /**
   * Glue database name.
   * @default - the stack name, lower-cased, non-alphanumerics as underscores
   */
  readonly databaseName?: string;
  /**
   * Athena workgroup name.
   * @default - the stack name
   */
  readonly workGroupName?: string;
  /**
   * Lake tables to define in the Glue database.
   * @default lakeTables (lambdas/lake/tables.ts)
   */
  readonly tables?: readonly LakeTable[];
}

/** The Glue database and tables describing the lake, and the Athena workgroup that queries it. */
export class Analytics extends Construct {
  public readonly database: glue.CfnDatabase;
  /** Glue table of each lake table, by lake table name. */
  public readonly tables: ReadonlyMap<string, glue.CfnTable>;
  public readonly databaseName: string;
  public readonly workGroup: athena.CfnWorkGroup;
  public readonly workGroupName: string;
  public readonly resultsBucket: s3.Bucket;
  /** One per file in `athena/queries/` and `athena/attribution/`: data teams find every query in the console. */
  public readonly namedQueries: readonly athena.CfnNamedQuery[];
  private readonly lakeBucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    this.lakeBucket = props.lakeBucket;
    this.databaseName = props.databaseName ?? glueDatabaseName(stackName);
    this.workGroupName = props.workGroupName ?? stackName;

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: this.databaseName,
        description: 'Sightline event lake',
        locationUri: props.lakeBucket.s3UrlForObject(),
      },
    });
    const tables = new Map<string, glue.CfnTable>();
    for (const table of props.tables ?? lakeTables) {
      const cfnTable = new glue.CfnTable(this, `Table-${table.name}`, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.databaseName,
        tableInput: lakeTableInput(table, props.lakeBucket),
      });
      cfnTable.node.addDependency(this.database);
      tables.set(table.name, cfnTable);
    }
    this.tables = tables;
    this.resultsBucket = new s3.Bucket(
      this,
      'Results',
      queryResultsBucketDefaults({
        encryptionKey: props.encryptionKey,
        serverAccessLogsBucket: props.serverAccessLogsBucket,
      }),
    );
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'Sightline queries over the event lake',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: workGroupConfiguration({
        outputLocation: this.outputLocation,
        encryptionKey: props.encryptionKey,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3,
      }),
    });
    const queries = [
      ...namedQueries.map((query) => ({ query, sql: loadNamedQuery(query.name) })),
      ...attributionQueries.map((query) => ({ query, sql: loadAttributionQuery(query.name) })),
    ];
    this.namedQueries = queries.map(({ query, sql }) => {
      const named = new athena.CfnNamedQuery(this, `Query-${query.name}`, {
        name: query.name,
        description: query.description.slice(0, 1024),
        database: this.databaseName,
        workGroup: this.workGroupName,
        queryString: renderNamedQuery(sql, { database: this.databaseName }),
      });
      named.node.addDependency(this.workGroup);
      return named;
    });
  }

  /** S3 URL query results are written under (`ENV.athenaOutput`). */
  public get outputLocation(): string {
    return this.resultsBucket.s3UrlForObject('results/');
  }

  /**
   * Gives `fn` the workgroup, database and result location (`ENV.athenaWorkgroup`,
   * `ENV.glueDatabase`, `ENV.athenaOutput`) and what running queries there takes: Athena on this
   * workgroup, Glue reads of this database, lake reads, result writes and reads.
   */
  public bindQuerier(fn: lambda.Function): void {
    fn.addEnvironment(ENV.athenaWorkgroup, this.workGroupName);
    fn.addEnvironment(ENV.glueDatabase, this.databaseName);
    fn.addEnvironment(ENV.athenaOutput, this.outputLocation);

    const stack = Stack.of(this);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
          'athena:GetWorkGroup',
        ],
        resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName })],
      }),
    );
    const tableArns = stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/*` });
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
          tableArns,
        ],
      }),
    );
    acceptGlueTableWildcard(fn, this.databaseName);

    this.lakeBucket.grantRead(fn);
    this.resultsBucket.grantRead(fn);
    this.resultsBucket.grantPut(fn);
    for (const bucket of [this.lakeBucket, this.resultsBucket]) acceptObjectKeyWildcard(fn, bucket);
    acceptS3ReadActionWildcards(fn);
    acceptS3WriteActionWildcards(fn);
    acceptKmsActionWildcards(fn);
  }
}
