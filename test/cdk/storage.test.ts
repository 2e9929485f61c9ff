jest.mock('aws-cdk-lib/aws-lambda-nodejs', () => jest.requireActual('./support/nodejs-function-mock'));

import { Match } from 'aws-cdk-lib/assertions';
import { deploy } from './support/deploy';
import { logicalId } from './support/iam';

describe('storage', () => {
  it('encrypts the lake with the Sightline KMS key', () => {
    const { stack, template } = deploy();

    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': [logicalId(stack.key.key), 'Arn'] },
              },
            },
          ],
        },
      }),
      DeletionPolicy: 'Retain',
    });
    expect(logicalId(stack.lake.bucket)).toMatch(/^LakeBucket/);
  });

  it('blocks all public access on every bucket', () => {
    const { template } = deploy();

    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets.length).toBeGreaterThanOrEqual(4);
    for (const bucket of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it('denies requests without TLS 1.2 to every bucket', () => {
    const { template } = deploy();

    const buckets = Object.keys(template.findResources('AWS::S3::Bucket'));
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    for (const bucket of buckets) {
      const policy = policies.find((p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucket }));
      const statements = policy?.Properties.PolicyDocument.Statement ?? [];
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          }),
        ]),
      );
    }
  });

  it('versions the lake, logs its access and expires objects after the retention period', () => {
    const { stack, template } = deploy({ retentionDays: 90 });

    const lake = template.toJSON().Resources[logicalId(stack.lake.bucket)].Properties;
    expect(lake.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(lake.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logicalId(stack.accessLogs.bucket) },
      LogFilePrefix: 'lake/',
    });
    expect(lake.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({ ExpirationInDays: 90, NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
    ]);
  });

  it('keeps lake objects forever when retentionDays is 0', () => {
    const { stack, template } = deploy({ retentionDays: 0 });

    const rules = template.toJSON().Resources[logicalId(stack.lake.bucket)].Properties.LifecycleConfiguration.Rules;
    expect(rules[0].ExpirationInDays).toBeUndefined();
  });

  it('keeps key-value records in a KMS-encrypted table with point-in-time recovery and TTL on expiresAt', () => {
    const { stack, template } = deploy();

    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [logicalId(stack.key.key), 'Arn'] },
      },
    });
  });

  it('rotates the KMS key and keeps it when the stack is deleted', () => {
    const { template } = deploy();

    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
    });
  });

  it('lets CloudWatch Logs use the key only for this account and region', () => {
    const { template } = deploy();

    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });
});
