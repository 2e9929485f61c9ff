import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';

/** Attribute holding a record's expiry in epoch seconds; DynamoDB TTL deletes expired records. */
export const KEY_VALUE_TTL_ATTRIBUTE = 'expiresAt';

/**
 * The table behind the `KeyValue` port: one string key `pk`, TTL on `expiresAt`, on-demand
 * billing, point-in-time recovery and the Sightline key.
 */
export function keyValueTableDefaults(encryptionKey: kms.IKey): dynamodb.TableProps {
  return {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: KEY_VALUE_TTL_ATTRIBUTE,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}
