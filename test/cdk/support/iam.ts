import { CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Logical id of the CloudFormation resource behind `construct`. */
export function logicalId(construct: IConstruct): string {
  const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  return Stack.of(construct).getLogicalId(element as CfnElement);
}

/** `s3:Put*` matches `s3:PutObject`; IAM action names are case-insensitive. */
function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .toLowerCase()
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );
  return regex.test(action.toLowerCase());
}

/**
 * What a function's role (or a role) may do, read from the synthesized IAM policies attached to it.
 *
 * @example
 * const collect = permissionsOf(template, stack.functions.collect.function);
 * expect(collect.allows('kinesis:PutRecords', stack.events.stream)).toBe(true);
 */
export function permissionsOf(template: Template, principal: lambda.Function | iam.IRole) {
  const role = principal instanceof lambda.Function ? principal.role : principal;
  if (role === undefined) throw new Error(`${principal.node.path} has no role`);
  const roleRef = JSON.stringify({ Ref: logicalId(role) });
  const statements: Statement[] = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => list(policy.Properties.Roles).some((role) => JSON.stringify(role) === roleRef))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);

  const allowed = (action: string, resourceMatches: (resource: unknown) => boolean) =>
    statements.some(
      (s) =>
        s.Effect === 'Allow' &&
        list(s.Action).some((pattern) => actionMatches(pattern, action)) &&
        list(s.Resource).some((resource) => resource === '*' || resourceMatches(resource)),
    );

  return {
    statements,
    /** Whether `action` is allowed on `target` (a resource statement naming its logical id) or on "*". */
    allows(action: string, target: IConstruct): boolean {
      const id = `"${logicalId(target)}"`;
      return allowed(action, (resource) => JSON.stringify(resource).includes(id));
    },
    /** Whether `action` is allowed on any resource at all. */
    allowsAnywhere(action: string): boolean {
      return allowed(action, () => true);
    },
  };
}
