import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Invokes `fn` once a day with `payload` (an EventBridge rule, as the local scheduler's
 * `rate(1 day)`), retrying twice on failure.
 */
export function invokeDaily(fn: lambda.Function, payload: Readonly<Record<string, unknown>>): events.Rule {
  return new events.Rule(fn, 'Daily', {
    description: `Daily run of ${fn.node.id}`,
    schedule: events.Schedule.rate(Duration.days(1)),
    targets: [new targets.LambdaFunction(fn, { event: events.RuleTargetInput.fromObject(payload), retryAttempts: 2 })],
  });
}
