import { Duration } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { KinesisEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';

/** On-demand capacity (no shard planning, pay per GB), encrypted with the Sightline key, one day of replay. */
export function eventStreamDefaults(encryptionKey: kms.IKey): kinesis.StreamProps {
  return {
    streamMode: kinesis.StreamMode.ON_DEMAND,
    encryption: kinesis.StreamEncryption.KMS,
    encryptionKey,
    retentionPeriod: Duration.hours(24),
  };
}

/**
 * How a Lambda consumes the event stream: up to 500 records or 10 seconds per batch, partial
 * batch failures reported (Powertools batch processing), a failing batch halved until the bad
 * record is alone, retried 3 times, then sent to the on-failure destination.
 */
export function streamConsumerDefaults(): Omit<KinesisEventSourceProps, 'onFailure'> {
  return {
    startingPosition: lambda.StartingPosition.TRIM_HORIZON,
    batchSize: 500,
    maxBatchingWindow: Duration.seconds(10),
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    retryAttempts: 3,
    maxRecordAge: Duration.hours(12),
  };
}
