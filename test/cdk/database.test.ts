jest.mock('aws-cdk-lib/aws-lambda-nodejs', () => jest.requireActual('./support/nodejs-function-mock'));

import { Match } from 'aws-cdk-lib/assertions';
import { ENV } from '../../lambdas/core/config';
import { deploy } from './support/deploy';
import { logicalId } from './support/iam';

describe('database', () => {
  it('runs Aurora PostgreSQL Serverless v2 with the Data API, scaling to 0 ACUs', () => {
    const { template } = deploy();

    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: Match.stringLikeRegexp('^17\\.'),
      EnableHttpEndpoint: true,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4 },
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceClass: 'db.serverless',
      PubliclyAccessible: false,
    });
  });

  it('encrypts storage with the KMS key and uses IAM authentication, TLS and deletion protection', () => {
    const { stack, template } = deploy();

    template.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': [logicalId(stack.key.key), 'Arn'] },
        EnableIAMDatabaseAuthentication: true,
        DeletionProtection: true,
        BackupRetentionPeriod: 7,
      }),
      DeletionPolicy: 'Snapshot',
    });
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: { 'rds.force_ssl': '1' } });
  });

  it('takes capacity and deletion protection from the settings', () => {
    const { template } = deploy({ dbMinCapacity: 0.5, dbMaxCapacity: 8, dbDeletionProtection: false });

    template.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
      DeletionProtection: false,
    });
  });

  it('encrypts the admin secret with the KMS key and rotates it every 30 days', () => {
    const { stack, template } = deploy();

    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [logicalId(stack.key.key), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  it('keeps the database in isolated subnets without any route to the internet', () => {
    const { template } = deploy();

    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', ResourceType: 'VPC' });
  });

  it('opens the Secrets Manager endpoint to the rotation function only', () => {
    const { stack, template } = deploy();

    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(stack.database.rotationSecurityGroup), 'GroupId'] },
    });
    for (const group of Object.values(template.findResources('AWS::EC2::SecurityGroup'))) {
      expect(JSON.stringify(group.Properties.SecurityGroupIngress ?? [])).not.toContain('CidrIp');
    }
  });

  it('migrates the schema after each deployment, once the cluster exists, failing the deployment on error', () => {
    const { stack, template } = deploy();

    const triggers = template.findResources('Custom::Trigger');
    expect(Object.keys(triggers)).toHaveLength(1);
    const [trigger] = Object.values(triggers);
    expect(JSON.stringify(trigger?.Properties.HandlerArn)).toContain(
      logicalId(stack.functions.maintain.function.currentVersion),
    );
    expect(trigger?.Properties.InvocationType).toBe('RequestResponse');
    expect(trigger?.DependsOn).toEqual(expect.arrayContaining([logicalId(stack.database.cluster)]));
  });

  it('creates and updates every other function that reaches the database after the migration has run', () => {
    const { stack, template } = deploy();

    const [triggerId] = Object.keys(template.findResources('Custom::Trigger'));
    const maintainId = logicalId(stack.functions.maintain.function);
    const usesDatabase = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([, fn]) =>
      Object.keys(fn.Properties.Environment?.Variables ?? {}).includes(ENV.dbClusterArn),
    );
    const others = usesDatabase.filter(([id]) => id !== maintainId);
    expect(others.map(([id]) => id)).toEqual(
      expect.arrayContaining([
        logicalId(stack.functions.resolveIdentity.function),
        logicalId(stack.functions.api.function),
      ]),
    );
    for (const [, fn] of others) expect(fn.DependsOn).toEqual(expect.arrayContaining([triggerId]));
    // The function that migrates cannot wait for its own migration.
    expect(template.findResources('AWS::Lambda::Function')[maintainId]?.DependsOn ?? []).not.toContain(triggerId);
  });

  it('runs the daily maintenance (partitions ahead, retention) once a day', () => {
    const { stack, template } = deploy();

    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId(stack.functions.maintain.function), 'Arn'] },
          Input: JSON.stringify({ task: 'daily' }),
        }),
      ],
    });
  });
});
