import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as triggers from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/core/config';
import { databaseDefaults, PASSWORD_EXCLUDED_CHARACTERS } from '../defaults/database-defaults';
import { acceptKmsActionWildcards } from '../nag';

export interface DatabaseProps {
  /** VPC with isolated subnets for the cluster and its secret rotation. */
  readonly vpc: ec2.IVpc;
  /** Key for the storage and the admin secret. */
  readonly encryptionKey: kms.IKey;
  /**
   * Name of the database created in the cluster.
   * @default 'sightline'
   */
  readonly databaseName?: string;
  /**
   * Minimum ACUs; 0 lets the cluster pause when idle (the first query after a pause waits ~15 s).
   * @default 0
   */
  readonly minCapacity?: number;
  /**
   * Maximum ACUs.
   * @default 4
   */
  readonly maxCapacity?: number;
  /**
   * Whether the cluster refuses deletion.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * How often Secrets Manager rotates the admin password.
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;
  /**
   * Props merged over `databaseDefaults()`.
   * @default - the defaults only
   */
  readonly clusterProps?: Partial<rds.DatabaseClusterProps>;
}

/**
 * Aurora Serverless v2 PostgreSQL with the Data API, and single-user rotation of its admin
 * secret. The rotation function runs in the isolated subnets and reaches Secrets Manager through
 * an interface endpoint (one AZ: rotation tolerates an AZ outage by retrying later).
 */
export class Database extends Construct {
  public readonly cluster: rds.DatabaseCluster;
  public readonly secret: secretsmanager.ISecret;
  public readonly databaseName: string;
  public readonly secretsManagerEndpoint: ec2.InterfaceVpcEndpoint;
  public readonly rotationSecurityGroup: ec2.SecurityGroup;
  /** Functions given the Data API, and the migration run on deploy (`migrateOnDeploy`) once there is one. */
  private readonly dataApiUsers: lambda.Function[] = [];
  private migration: { readonly trigger: triggers.Trigger; readonly runner: lambda.Function } | undefined;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    this.databaseName = props.databaseName ?? 'sightline';
    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      ...databaseDefaults({
        vpc: props.vpc,
        encryptionKey: props.encryptionKey,
        databaseName: this.databaseName,
        minCapacity: props.minCapacity ?? 0,
        maxCapacity: props.maxCapacity ?? 4,
        deletionProtection: props.deletionProtection ?? true,
      }),
      ...props.clusterProps,
    });
    if (this.cluster.secret === undefined) {
      throw new Error(`${this.node.path}: the cluster has no generated secret for the Data API`);
    }
    this.secret = this.cluster.secret;

    const isolated = props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
    this.secretsManagerEndpoint = new ec2.InterfaceVpcEndpoint(this, 'SecretsManagerEndpoint', {
      vpc: props.vpc,
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: { subnets: isolated.subnets.slice(0, 1) },
      privateDnsEnabled: true,
      open: false,
    });
    // The rotation function is the only client of the endpoint, and of the database besides the Data API.
    this.rotationSecurityGroup = new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
      vpc: props.vpc,
      description: 'Sightline database secret rotation function',
    });
    this.secretsManagerEndpoint.connections.allowDefaultPortFrom(this.rotationSecurityGroup);
    this.cluster.addRotationSingleUser({
      automaticallyAfter: props.rotationInterval ?? Duration.days(30),
      excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      endpoint: this.secretsManagerEndpoint,
      securityGroup: this.rotationSecurityGroup,
    });
  }

  /**
   * Gives `fn` the cluster ARN, secret ARN and database name (`ENV.dbClusterArn`, `ENV.dbSecretArn`,
   * `ENV.dbName`) and the right to run statements through the Data API.
   */
  public bindDataApi(fn: lambda.Function): void {
    fn.addEnvironment(ENV.dbClusterArn, this.cluster.clusterArn);
    fn.addEnvironment(ENV.dbSecretArn, this.secret.secretArn);
    fn.addEnvironment(ENV.dbName, this.databaseName);
    this.cluster.grantDataApiAccess(fn);
    acceptKmsActionWildcards(fn);
    this.dataApiUsers.push(fn);
    this.updateAfterMigration(fn);
  }

  /**
   * Invokes `fn` (with no payload) once the cluster exists and after every deployment that changes
   * the function, waiting for its answer: a migration that fails fails the deployment. Every other
   * function given the Data API is created or updated after it, so new code meets the schema it
   * was written for (the usual order: migrate, then deploy the code that needs the migration).
   */
  public migrateOnDeploy(fn: lambda.Function): triggers.Trigger {
    const trigger = new triggers.Trigger(this, 'Migrate', {
      handler: fn,
      invocationType: triggers.InvocationType.REQUEST_RESPONSE,
      timeout: Duration.minutes(10),
      executeAfter: [this.cluster],
    });
    this.migration = { trigger, runner: fn };
    for (const user of this.dataApiUsers) this.updateAfterMigration(user);
    return trigger;
  }

  private updateAfterMigration(fn: lambda.Function): void {
    if (this.migration && fn !== this.migration.runner) this.migration.trigger.executeBefore(fn);
  }
}
