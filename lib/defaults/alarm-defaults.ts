import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** Alarm windows: five minutes, missing data is "fine" (an idle function emits no metrics). */
export const ALARM_PERIOD = Duration.minutes(5);

/** Fires on the first occurrence within one period. */
export function anyOccurrenceAlarm(): Omit<cloudwatch.CreateAlarmOptions, 'alarmDescription'> {
  return {
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
}

/** A stream consumer more than 15 minutes behind, for three periods in a row. */
export function iteratorAgeAlarm(): Omit<cloudwatch.CreateAlarmOptions, 'alarmDescription'> {
  return {
    threshold: Duration.minutes(15).toMilliseconds(),
    evaluationPeriods: 3,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
}

/** A Firehose stream whose oldest undelivered row is over 30 minutes old (buffers flush every 5). */
export function deliveryFreshnessAlarm(): Omit<cloudwatch.CreateAlarmOptions, 'alarmDescription'> {
  return {
    threshold: Duration.minutes(30).toSeconds(),
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
}
