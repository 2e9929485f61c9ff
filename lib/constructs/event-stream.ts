import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, type KinesisEventSourceProps, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/core/config';
import { deadLetterQueueDefaults } from '../defaults/queue-defaults';
import { eventStreamDefaults, streamConsumerDefaults } from '../defaults/stream-defaults';
import { acceptCustomerManagedStreamKey, acceptDeadLetterDestination, acceptKmsActionWildcards } from '../nag';

export interface EventStreamProps {
  /** Key the stream and its consumers' failure queues are encrypted with. */
  readonly encryptionKey: kms.IKey;
  /**
   * Props merged over `eventStreamDefaults()`.
   * @default - the defaults only
   */
  readonly streamProps?: kinesis.StreamProps;
}

/** The Kinesis Data Stream that collected events pass through on their way to enrichment. */
export class EventStream extends Construct {
  public readonly stream: kinesis.Stream;
  private readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: EventStreamProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.stream = new kinesis.Stream(this, 'Stream', {
      ...eventStreamDefaults(props.encryptionKey),
      ...props.streamProps,
    });
    acceptCustomerManagedStreamKey(this.stream);
  }

  /** Gives `fn` the stream name (`ENV.eventsStreamName`) and the right to put records: nothing else. */
  public bindProducer(fn: lambda.Function): void {
    fn.addEnvironment(ENV.eventsStreamName, this.stream.streamName);
    this.stream.grantWrite(fn);
    acceptKmsActionWildcards(fn);
  }

  /** Gives `fn` the stream name and the right to list its shards and summary: no record data. */
  public bindDescriber(fn: lambda.Function): void {
    fn.addEnvironment(ENV.eventsStreamName, this.stream.streamName);
    this.stream.grant(fn, 'kinesis:ListShards', 'kinesis:DescribeStreamSummary');
  }

  /**
   * Makes `fn` a consumer of the stream (`options` merged over `streamConsumerDefaults()`), with an encrypted SQS
   * queue, named after `consumerName`, receiving the records that failed every retry.
   * @returns the on-failure queue, to alarm on
   */
  public bindConsumer(
    fn: lambda.Function,
    consumerName: string,
    options: Partial<Omit<KinesisEventSourceProps, 'onFailure'>> = {},
  ): sqs.Queue {
    const failed = new sqs.Queue(this, `${consumerName}FailedRecords`, deadLetterQueueDefaults(this.encryptionKey));
    acceptDeadLetterDestination(failed);
    fn.addEventSource(
      new KinesisEventSource(this.stream, {
        ...streamConsumerDefaults(),
        ...options,
        onFailure: new SqsDlq(failed),
      }),
    );
    acceptKmsActionWildcards(fn);
    return failed;
  }
}
