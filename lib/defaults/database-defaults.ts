import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';

/** Aurora PostgreSQL 17.4+ supports both the Data API and scaling to 0 ACUs. */
export const DATABASE_ENGINE = rds.DatabaseClusterEngine.auroraPostgres({
  version: rds.AuroraPostgresEngineVersion.VER_17_7,
});

/** Characters the generated password leaves out: they break connection strings and shell quoting. */
export const PASSWORD_EXCLUDED_CHARACTERS = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\';

export interface DatabaseDefaultsProps {
  readonly vpc: ec2.IVpc;
  readonly encryptionKey: kms.IKey;
  readonly databaseName: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly deletionProtection: boolean;
}

/**
 * Aurora Serverless v2 PostgreSQL reached through the Data API: encrypted storage and secret with
 * the Sightline key, IAM authentication, TLS forced, 7 days of backups, a snapshot on deletion,
 * and a non-default port (AwsSolutions-RDS11; Data API clients never see it).
 */
export function databaseDefaults(props: DatabaseDefaultsProps): rds.DatabaseClusterProps {
  return {
    engine: DATABASE_ENGINE,
    writer: rds.ClusterInstance.serverlessV2('Writer', { autoMinorVersionUpgrade: true }),
    serverlessV2MinCapacity: props.minCapacity,
    serverlessV2MaxCapacity: props.maxCapacity,
    vpc: props.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    port: 15432,
    credentials: rds.Credentials.fromGeneratedSecret('sightline_admin', {
      encryptionKey: props.encryptionKey,
      excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS,
    }),
    defaultDatabaseName: props.databaseName,
    storageEncrypted: true,
    storageEncryptionKey: props.encryptionKey,
    iamAuthentication: true,
    enableDataApi: true,
    parameters: { 'rds.force_ssl': '1' },
    backup: { retention: Duration.days(7) },
    copyTagsToSnapshot: true,
    deletionProtection: props.deletionProtection,
    removalPolicy: RemovalPolicy.SNAPSHOT,
  };
}
