import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/** Encrypted with the Sightline key (with a data-key cache to bound KMS calls) and TLS-only. */
function encryptedQueueDefaults(encryptionKey: kms.IKey): sqs.QueueProps {
  return {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: encryptionKey,
    dataKeyReuse: Duration.minutes(5),
    enforceSSL: true,
    removalPolicy: RemovalPolicy.DESTROY,
  };
}

/** A dead-letter queue keeps messages for the longest time SQS allows, for inspection and redrive. */
export function deadLetterQueueDefaults(encryptionKey: kms.IKey): sqs.QueueProps {
  return { ...encryptedQueueDefaults(encryptionKey), retentionPeriod: Duration.days(14) };
}

export interface WorkQueueDefaultsProps {
  readonly encryptionKey: kms.IKey;
  readonly deadLetterQueue: sqs.IQueue;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

/**
 * A work queue: 6x a 30-second consumer as visibility timeout (AWS's guidance for Lambda consumers),
 * 4 days of retention, and its dead-letter queue after `maxReceiveCount` receives.
 */
export function workQueueDefaults(props: WorkQueueDefaultsProps): sqs.QueueProps {
  return {
    ...encryptedQueueDefaults(props.encryptionKey),
    visibilityTimeout: Duration.minutes(3),
    retentionPeriod: Duration.days(4),
    deadLetterQueue: { queue: props.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
  };
}
