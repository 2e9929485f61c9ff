import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource, type SqsEventSourceProps } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { EnvName } from '../../lambdas/core/config';
import { deadLetterQueueDefaults, workQueueDefaults } from '../defaults/queue-defaults';
import { acceptKmsActionWildcards } from '../nag';

export interface QueueWithDlqProps {
  /** Key both queues are encrypted with. */
  readonly encryptionKey: kms.IKey;
  /** Variable that carries the queue URL to senders and consumers. */
  readonly urlEnv: EnvName;
  /**
   * Variable that carries the dead-letter queue URL to functions bound with `bindDeadLetterSender`.
   * @default - no such variable; `bindDeadLetterSender` throws
   */
  readonly deadLetterUrlEnv?: EnvName;
  /**
   * Receives before a message moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Props merged over `workQueueDefaults()`.
   * @default - the defaults only
   */
  readonly queueProps?: sqs.QueueProps;
}

/** An encrypted SQS queue with its dead-letter queue, and the bindings of its senders and consumers. */
export class QueueWithDlq extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  private readonly props: QueueWithDlqProps;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    this.props = props;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', deadLetterQueueDefaults(props.encryptionKey));
    this.queue = new sqs.Queue(this, 'Queue', {
      ...workQueueDefaults({
        encryptionKey: props.encryptionKey,
        deadLetterQueue: this.deadLetterQueue,
        maxReceiveCount: props.maxReceiveCount ?? 5,
      }),
      ...props.queueProps,
    });
  }

  /** Gives `fn` the queue URL and the right to send to the queue. */
  public bindSender(fn: lambda.Function): void {
    fn.addEnvironment(this.props.urlEnv, this.queue.queueUrl);
    this.queue.grantSendMessages(fn);
    acceptKmsActionWildcards(fn);
  }

  /** Gives `fn` the queue URL and the right to read the queue's attributes (its depth): no messages. */
  public bindDepthReader(fn: lambda.Function): void {
    fn.addEnvironment(this.props.urlEnv, this.queue.queueUrl);
    this.queue.grant(fn, 'sqs:GetQueueAttributes');
  }

  /**
   * Makes `fn` the queue's consumer: batches with partial-failure reporting (Powertools batch
   * processing), so one bad message is retried alone and ends in the dead-letter queue.
   */
  public bindConsumer(fn: lambda.Function, options: SqsEventSourceProps = {}): void {
    fn.addEnvironment(this.props.urlEnv, this.queue.queueUrl);
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        ...options,
      }),
    );
  }

  /** Gives `fn` the dead-letter queue URL and the right to park a message there itself. */
  public bindDeadLetterSender(fn: lambda.Function): void {
    if (this.props.deadLetterUrlEnv === undefined) {
      throw new Error(`${this.node.path} has no deadLetterUrlEnv to pass the dead-letter queue URL in`);
    }
    fn.addEnvironment(this.props.deadLetterUrlEnv, this.deadLetterQueue.queueUrl);
    this.deadLetterQueue.grantSendMessages(fn);
    acceptKmsActionWildcards(fn);
  }
}
