import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/core/config';
import { encryptionKeyDefaults } from '../defaults/key-defaults';

export interface EncryptionKeyProps {
  /**
   * Props merged over `encryptionKeyDefaults()`.
   * @default - the defaults only
   */
  readonly keyProps?: kms.KeyProps;
}

/**
 * The one customer-managed KMS key of a Sightline deployment. Its policy lets CloudWatch Logs
 * encrypt this account's log groups and CloudWatch alarms publish to the encrypted alarm topic;
 * everything else reaches it through IAM grants.
 */
export class EncryptionKey extends Construct {
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      ...encryptionKeyDefaults(Stack.of(this).stackName),
      ...props.keyProps,
    });

    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
  }

  /**
   * Gives `fn` the key id (`ENV.kmsKeyId`) and what envelope encryption takes: generating data
   * keys and unwrapping them (`kms:GenerateDataKey`, `kms:Decrypt`), nothing else.
   */
  public bindDataKeyWrapper(fn: lambda.Function): void {
    fn.addEnvironment(ENV.kmsKeyId, this.key.keyId);
    this.key.grant(fn, 'kms:GenerateDataKey', 'kms:Decrypt');
  }
}
