jest.mock('aws-cdk-lib/aws-lambda-nodejs', () => jest.requireActual('./support/nodejs-function-mock'));

import { Match } from 'aws-cdk-lib/assertions';
import { deploy } from './support/deploy';
import { logicalId } from './support/iam';

describe('stream and queues', () => {
  it('gives every SQS queue a dead-letter queue, unless it is one', () => {
    const { template } = deploy();

    const queues = template.findResources('AWS::SQS::Queue');
    const text = JSON.stringify(template.toJSON());
    const isDeadLetterTarget = (id: string) =>
      Object.values(queues).some(
        (q) =>
          JSON.stringify(q.Properties.RedrivePolicy?.deadLetterTargetArn) ===
          JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }),
      );
    const isOnFailureDestination = (id: string) =>
      Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).some(
        (m) =>
          JSON.stringify(m.Properties.DestinationConfig?.OnFailure?.Destination) ===
          JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }),
      );

    expect(Object.keys(queues).length).toBeGreaterThanOrEqual(3);
    for (const [id, queue] of Object.entries(queues)) {
      const covered =
        queue.Properties.RedrivePolicy !== undefined || isDeadLetterTarget(id) || isOnFailureDestination(id);
      expect({ id, covered }).toEqual({ id, covered: true });
    }
    expect(text).toContain('"maxReceiveCount":5');
  });

  it('encrypts every SQS queue with the KMS key and refuses requests without TLS', () => {
    const { stack, template } = deploy();

    const queues = template.findResources('AWS::SQS::Queue');
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    for (const [id, queue] of Object.entries(queues)) {
      expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [logicalId(stack.key.key), 'Arn'] });
      const policy = policies.find((p) => JSON.stringify(p.Properties.Queues).includes(`"${id}"`));
      expect(policy?.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      );
    }
  });

  it('runs the event stream on demand, encrypted with the KMS key', () => {
    const { stack, template } = deploy();

    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [logicalId(stack.key.key), 'Arn'] } },
    });
  });

  it('feeds enrich batches of 500 with bisection, partial failures, retries and an on-failure queue', () => {
    const { stack, template } = deploy();

    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.events.stream), 'Arn'] },
      FunctionName: { Ref: logicalId(stack.functions.enrich.function) },
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 10,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 3,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EventsEnrichFailedRecords'), 'Arn'] } },
      },
    });
  });

  it('alarms on every dead-letter queue and on enrich falling behind', () => {
    const { stack, template } = deploy();

    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const onQueue = (queueId: string) =>
      alarms.some(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Dimensions).includes(`"${queueId}"`) &&
          a.Threshold === 1,
      );
    expect(onQueue(logicalId(stack.identityQueue.deadLetterQueue))).toBe(true);
    expect(alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toHaveLength(2);
    expect(alarms.some((a) => a.MetricName === 'IteratorAge' && a.Threshold === 900_000)).toBe(true);
  });

  it('sends every alarm to the encrypted topic that the alarm e-mail subscribes to', () => {
    const { stack, template } = deploy({ alarmEmail: 'ops@example.com' });

    const topic = { Ref: logicalId(stack.alarms.topic) };
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
    }
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(stack.key.key), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: topic,
    });
  });

  it('subscribes nobody when no alarm e-mail is set', () => {
    const { template } = deploy();

    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
