/**
 * Stands in for `aws-cdk-lib/aws-lambda-nodejs` in CDK tests: `NodejsFunction` keeps every prop
 * (runtime, architecture, logging, role, environment) but ships inline code instead of running
 * esbuild, so a stack synthesizes in milliseconds and without the handler files.
 *
 * Each test file opts in with:
 *   jest.mock('aws-cdk-lib/aws-lambda-nodejs', () => jest.requireActual('./support/nodejs-function-mock'));
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';

const actual: typeof nodejs = jest.requireActual('aws-cdk-lib/aws-lambda-nodejs');

export class NodejsFunction extends actual.NodejsFunction {
  constructor(scope: Construct, id: string, props: nodejs.NodejsFunctionProps = {}) {
    super(scope, id, {
      ...props,
      code: lambda.Code.fromInline('export const handler = async () => undefined;'),
      handler: 'index.handler',
    });
  }
}

export const { OutputFormat, SourceMapMode, Charset, LogLevel } = actual;
