import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { functionDefaults, mergeFunctionProps } from '../defaults/function-defaults';
import { acceptPinnedRuntime } from '../nag';
import { fromRepoRoot } from '../repo-root';

export interface SightlineFunctionProps {
  /** Entry file, relative to the repository root (as in `lambdaEntries`) or absolute. */
  readonly entry: string;
  /**
   * `POWERTOOLS_SERVICE_NAME` of the function.
   * @default - the construct id
   */
  readonly serviceName?: string;
  /**
   * How long CloudWatch keeps the function's logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Key encrypting the log group (its policy must let CloudWatch Logs use it).
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Props merged over `functionDefaults()`: memory, timeout, extra environment, bundling options.
   * @default - the org defaults only
   */
  readonly functionProps?: NodejsFunctionProps;
}

/**
 * The org-default Lambda every Sightline function uses: arm64, Node 22, JSON logs into its own
 * log group with retention, and a role that starts with nothing but that log group. Access to
 * anything else is added by the `bind*` methods of the construct that owns the resource.
 *
 * @example
 * const fn = new SightlineFunction(this, 'Collect', { entry: lambdaEntries.collect });
 * events.bindProducer(fn.function);
 */
export class SightlineFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly logGroup: logs.LogGroup;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SightlineFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: props.logEncryptionKey,
    });
    // An explicit role instead of AWSLambdaBasicExecutionRole: it may write to this log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Sightline ${id} function`,
    });
    this.logGroup.grantWrite(this.role);

    const defaults = functionDefaults(props.serviceName ?? id);
    this.function = new NodejsFunction(this, 'Function', {
      ...mergeFunctionProps(defaults, props.functionProps ?? {}),
      entry: fromRepoRoot(props.entry),
      logGroup: this.logGroup,
      role: this.role,
    });
    acceptPinnedRuntime(this.function);
  }
}
