import { CfnElement, DefaultStackSynthesizer, Stack, Token, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag for the whole app, and every accepted finding with its reason.
 *
 * Constructs call the `accept*` helpers where they create what a rule flags (a grant, a public
 * route), so a suppression exists only where its cause does, and every reason lives in this file.
 * `docs/deploy.md` lists the same suppressions for reviewers.
 */

/**
 * Runs the AwsSolutions rules over every stack of `app` as a CDK policy-validation plugin:
 * synthesis fails on any finding, error or warning, that is not acknowledged here.
 */
export function applyNagChecks(app: IConstruct): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}

/** Acknowledges each finding id on `scope` and everything below it, with one reason. */
function acknowledge(scope: IConstruct, ids: readonly string[], reason: string): void {
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}

/** cdk-nag v3 ids one IAM5 finding as `AwsSolutions-IAM5[<Action|Resource>::<value>]`. */
function iam5(...findings: string[]): string[] {
  return findings.map((finding) => `AwsSolutions-IAM5[${finding}]`);
}

/** How cdk-nag prints a stack's region or account inside an ARN: literal, or the pseudo parameter. */
function arnPart(value: string, pseudo: string): string {
  return Token.isUnresolved(value) ? `<${pseudo}>` : value;
}

/** The construct a grant's policy lands in: a function's role, or the role itself. */
function grantee(principal: lambda.Function | IConstruct): IConstruct {
  return principal instanceof lambda.Function ? (principal.role ?? principal) : principal;
}

function logicalIdOf(construct: IConstruct): string {
  const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  return Stack.of(construct).getLogicalId(element as CfnElement);
}

/** CDK's key grants name action families (`kms:GenerateDataKey*`, `kms:ReEncrypt*`) on the one key. */
export function acceptKmsActionWildcards(fn: lambda.Function): void {
  acknowledge(
    grantee(fn),
    iam5('Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'),
    'kms:GenerateDataKey* and kms:ReEncrypt* are the action families CDK grants to encrypt with a key; ' +
      'the resource is the single Sightline customer-managed key, never "*".',
  );
}

/** Object-level S3 actions need an object ARN pattern; it names every key of one bucket. */
export function acceptObjectKeyWildcard(fn: lambda.Function | IConstruct, bucket: s3.IBucket): void {
  acknowledge(
    grantee(fn),
    iam5(`Resource::<${logicalIdOf(bucket)}.Arn>/*`),
    `Object-level S3 actions need an object ARN; "<bucket>/*" covers the keys of ${bucket.node.path} only, ` +
      'whose key layout (date partitions) is not known when the policy is written.',
  );
}

/** Deleting a lake table's expired partitions needs the table's key prefix, whose days are not known ahead. */
export function acceptLakeTablePrefixWildcards(
  fn: lambda.Function,
  bucket: s3.IBucket,
  prefixes: readonly string[],
): void {
  acknowledge(
    grantee(fn),
    iam5(...prefixes.map((prefix) => `Resource::<${logicalIdOf(bucket)}.Arn>/${prefix}*`)),
    `s3:DeleteObject on "<bucket>/<table>/*" covers the lake tables of ${bucket.node.path} only: expired ` +
      'partitions (site_id=…/dt=…/) are deleted by day, so their keys are not known when the policy is written.',
  );
}

/** `Bucket.grantPut` includes `s3:Abort*` (abandoning one's own multipart uploads). */
export function acceptS3WriteActionWildcards(fn: lambda.Function): void {
  acknowledge(
    grantee(fn),
    iam5('Action::s3:Abort*'),
    's3:Abort* (AbortMultipartUpload) lets a writer clean up its own failed multipart uploads; it deletes no object.',
  );
}

/** `Bucket.grantRead` names the read-only families `s3:GetObject*`, `s3:GetBucket*`, `s3:List*`. */
export function acceptS3ReadActionWildcards(fn: lambda.Function): void {
  acknowledge(
    grantee(fn),
    iam5('Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*'),
    's3:GetObject*, s3:GetBucket* and s3:List* are the read-only action families CDK grants for reading one bucket.',
  );
}

/** Glue has no ARN for "every table of this database" short of a wildcard. */
export function acceptGlueTableWildcard(fn: lambda.Function, databaseName: string): void {
  const stack = Stack.of(fn);
  const region = arnPart(stack.region, 'AWS::Region');
  const account = arnPart(stack.account, 'AWS::AccountId');
  acknowledge(
    grantee(fn),
    iam5(`Resource::arn:<AWS::Partition>:glue:${region}:${account}:table/${databaseName}/*`),
    'Athena queries read the Glue definitions of the tables of one Sightline database; "table/<database>/*" ' +
      'is that database only, and its tables are added over time by migrations.',
  );
}

/** Every Sightline function runs on the runtime chosen in `functionDefaults`, not necessarily the newest. */
export function acceptPinnedRuntime(fn: lambda.Function): void {
  acknowledge(
    fn,
    ['AwsSolutions-L1'],
    'Sightline pins nodejs22.x (SIGHTLINE_RUNTIME), the version its code, esbuild target and local tests run on; ' +
      'it is a supported runtime and moves for all functions at once, after the test suite passes on the next one.',
  );
}

/** The Kinesis on-failure destination is itself the dead-letter queue of a consumer. */
export function acceptDeadLetterDestination(queue: IConstruct): void {
  acknowledge(
    queue,
    ['AwsSolutions-SQS3'],
    'This queue is the on-failure destination of a Kinesis event source mapping: it is a dead-letter queue ' +
      '(records that failed every retry), so it has no DLQ of its own; an alarm fires when it is not empty.',
  );
}

/** The access-logs bucket cannot log into itself. */
export function acceptUnloggedLogBucket(bucket: IConstruct): void {
  acknowledge(
    bucket,
    ['AwsSolutions-S1'],
    'This is the access-logs bucket: logging it into itself would loop and logging it elsewhere needs another ' +
      'unlogged bucket. It is private, TLS-only and receives writes from the S3 logging service and CloudFront only.',
  );
}

/** Collection endpoints are called by every visitor's browser, so they cannot carry credentials. */
export function acceptPublicRoute(route: IConstruct, routeKey: string): void {
  acknowledge(
    route,
    ['AwsSolutions-APIG4'],
    `${routeKey} is a public collection endpoint called by anonymous visitors' browsers; ` +
      'the handler validates and bounds every field and the stage throttles requests.',
  );
}

/** Cognito sign-in for the dashboard: MFA is offered, adaptive authentication demands it when a sign-in looks risky. */
export function acceptOptionalMfa(userPool: IConstruct): void {
  acknowledge(
    userPool,
    ['AwsSolutions-COG2'],
    'MFA is optional by product decision (TOTP is available to every user). The Plus feature plan with threat ' +
      'protection enforced asks for MFA when a sign-in is risky and blocks compromised credentials.',
  );
}

export interface CdnFindingOptions {
  readonly hasCustomDomain: boolean;
  readonly hasWebAcl: boolean;
}

/** CloudFront findings that depend on customer settings. */
export function acceptCdnFindings(distribution: IConstruct, options: CdnFindingOptions): void {
  acknowledge(
    distribution,
    ['AwsSolutions-CFR1'],
    'Visitors of the customer sites come from every country, and collection must reach them all; a customer ' +
      'who needs geo restrictions can add them through the web ACL setting (sightline:webAclArn).',
  );
  if (!options.hasWebAcl) {
    acknowledge(
      distribution,
      ['AwsSolutions-CFR2'],
      'No web ACL is configured (sightline:webAclArn unset): WAF costs at least $5/month plus per-request fees, ' +
        'so it is opt-in. The API stage throttles requests and handlers bound every input.',
    );
  }
  if (!options.hasCustomDomain) {
    acknowledge(
      distribution,
      ['AwsSolutions-CFR4'],
      'Without sightline:customDomain the distribution serves the default *.cloudfront.net certificate, whose ' +
        'security policy CloudFront fixes (TLSv1). Setting customDomain + certificateArn enforces TLSv1.2_2021.',
    );
  }
}

/** The handler CDK itself adds to upload the tracker script (one singleton per stack). */
export function acceptBucketDeploymentHandler(stack: Stack, scriptBucket: s3.IBucket): void {
  const handlers = stack.node.children.filter((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  for (const handler of handlers) {
    acknowledge(
      handler,
      ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]'],
      "CDK's BucketDeployment handler logs through AWSLambdaBasicExecutionRole; it runs only during deployments " +
        'and is owned by aws-cdk-lib.',
    );
    acknowledge(
      handler,
      ['AwsSolutions-L1'],
      "The BucketDeployment handler's runtime is chosen and updated by aws-cdk-lib, not by Sightline.",
    );
    acknowledge(
      handler,
      iam5(
        'Action::s3:GetBucket*',
        'Action::s3:GetObject*',
        'Action::s3:List*',
        'Action::s3:Abort*',
        'Action::s3:DeleteObject*',
        `Resource::arn:<AWS::Partition>:s3:::${assetBucketName(stack)}/*`,
        `Resource::<${logicalIdOf(scriptBucket)}.Arn>/*`,
      ),
      "CDK's BucketDeployment handler copies the tracker build from the CDK asset bucket into the script bucket; " +
        'CDK grants it read on the asset bucket and read/write on the script bucket, those two buckets only.',
    );
    acknowledge(
      handler,
      iam5('Resource::*'),
      "CDK's BucketDeployment handler invalidates /s.js after the upload; cloudfront:CreateInvalidation and " +
        'GetInvalidation are granted on "*" by aws-cdk-lib.',
    );
  }
}

/** Name of the bootstrap asset bucket as cdk-nag prints it. */
function assetBucketName(stack: Stack): string {
  const qualifier = stack.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const account = arnPart(stack.account, 'AWS::AccountId');
  const region = arnPart(stack.region, 'AWS::Region');
  return `cdk-${qualifier}-assets-${account}-${region}`;
}

/** Kinesis with the customer-managed key instead of the AWS-managed one. */
export function acceptCustomerManagedStreamKey(stream: IConstruct): void {
  acknowledge(
    stream,
    ['AwsSolutions-KDS3'],
    'The stream is encrypted with the Sightline customer-managed key rather than aws/kinesis on purpose: the ' +
      'customer controls, audits and can revoke the one key that protects the stream, queues, lake and database.',
  );
}
