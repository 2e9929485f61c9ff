jest.mock('aws-cdk-lib/aws-lambda-nodejs', () => jest.requireActual('./support/nodejs-function-mock'));

import { lambdaEntries } from '../../lambdas/entries';
import { deploy } from './support/deploy';
import { logicalId } from './support/iam';

describe('functions', () => {
  it('declares one function per entry of lambdaEntries', () => {
    const { stack } = deploy();

    expect(Object.keys(stack.functions).sort()).toEqual(Object.keys(lambdaEntries).sort());
  });

  it('runs every Sightline function on arm64 nodejs22.x with JSON logs', () => {
    const { stack, template } = deploy();

    for (const fn of Object.values(stack.functions)) {
      const props = template.toJSON().Resources[logicalId(fn.function)].Properties;
      expect(props).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs22.x',
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' },
      });
    }
  });

  it('gives every function its own log group, kept for the configured retention', () => {
    const { stack, template } = deploy({ logRetentionDays: 90 });

    for (const fn of Object.values(stack.functions)) {
      const props = template.toJSON().Resources[logicalId(fn.function)].Properties;
      expect(props.LoggingConfig.LogGroup).toEqual({ Ref: logicalId(fn.logGroup) });
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        RetentionInDays: 90,
        KmsKeyId: { 'Fn::GetAtt': [logicalId(stack.key.key), 'Arn'] },
      });
    }
  });

  it('names each function for Powertools and enables source maps', () => {
    const { stack, template } = deploy();

    for (const [name, fn] of Object.entries(stack.functions)) {
      const variables = template.toJSON().Resources[logicalId(fn.function)].Properties.Environment.Variables;
      expect(variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: `sightline-${name}`,
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('starts every role with no managed policy and only its own log group', () => {
    const { stack, template } = deploy();

    for (const fn of Object.values(stack.functions)) {
      const role = template.toJSON().Resources[logicalId(fn.role)].Properties;
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({ Principal: { Service: 'lambda.amazonaws.com' } }),
      ]);
    }
  });

  it('alarms on errors of every function', () => {
    const { stack, template } = deploy();

    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    for (const fn of Object.values(stack.functions)) {
      const ref = JSON.stringify({ Ref: logicalId(fn.function) });
      expect(alarms.some((a) => a.MetricName === 'Errors' && JSON.stringify(a.Dimensions).includes(ref))).toBe(true);
    }
  });
});
