import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALARM_PERIOD, anyOccurrenceAlarm, deliveryFreshnessAlarm, iteratorAgeAlarm } from '../defaults/alarm-defaults';

export interface AlarmsProps {
  /** Key the topic is encrypted with (its policy must let CloudWatch use it). */
  readonly encryptionKey: kms.IKey;
  /**
   * Address subscribed to the topic (AWS sends a confirmation e-mail first).
   * @default - no subscription
   */
  readonly email?: string;
}

/** CloudWatch alarms of the deployment, all notifying one encrypted SNS topic. */
export class Alarms extends Construct {
  public readonly topic: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Sightline alarms',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    if (props.email !== undefined) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
  }

  /** Alarms when `queue` holds any message: something failed every retry and waits for a person. */
  public onDeadLetters(id: string, queue: sqs.IQueue): cloudwatch.Alarm {
    const metric = queue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' });
    return this.add(
      metric.createAlarm(this, `${id}DeadLetters`, {
        ...anyOccurrenceAlarm(),
        alarmDescription: `Messages are waiting in the dead-letter queue ${id}`,
      }),
    );
  }

  /** Alarms when `fn` reports an error (an uncaught exception or a timeout). */
  public onErrors(id: string, fn: lambda.IFunction): cloudwatch.Alarm {
    return this.add(
      fn.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }).createAlarm(this, `${id}Errors`, {
        ...anyOccurrenceAlarm(),
        alarmDescription: `The ${id} function reported errors`,
      }),
    );
  }

  /** Alarms when the stream consumer `fn` falls behind. */
  public onIteratorAge(id: string, fn: lambda.IFunction): cloudwatch.Alarm {
    const metric = fn.metric('IteratorAge', { period: ALARM_PERIOD, statistic: 'Maximum' });
    return this.add(
      metric.createAlarm(this, `${id}IteratorAge`, {
        ...iteratorAgeAlarm(),
        alarmDescription: `The ${id} function is more than 15 minutes behind its stream`,
      }),
    );
  }

  /**
   * Alarms when the Firehose stream named `deliveryStreamName` turns rows away (they fail Parquet
   * conversion and land under `firehose-errors/`) or when its oldest undelivered row is over 30 min old.
   */
  public onDeliveryFailures(id: string, deliveryStreamName: string): cloudwatch.Alarm[] {
    const metric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Firehose',
        metricName,
        dimensionsMap: { DeliveryStreamName: deliveryStreamName },
        period: ALARM_PERIOD,
        statistic,
      });
    return [
      this.add(
        metric('FailedConversion.Records', 'Sum').createAlarm(this, `${id}FailedConversions`, {
          ...anyOccurrenceAlarm(),
          alarmDescription: `Rows sent to ${id} failed Parquet conversion (see firehose-errors/ in the lake)`,
        }),
      ),
      this.add(
        metric('DeliveryToS3.DataFreshness', 'Maximum').createAlarm(this, `${id}Freshness`, {
          ...deliveryFreshnessAlarm(),
          alarmDescription: `${id} has rows waiting more than 30 minutes for delivery to the lake`,
        }),
      ),
    ];
  }

  private add(alarm: cloudwatch.Alarm): cloudwatch.Alarm {
    const action = new actions.SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }
}
