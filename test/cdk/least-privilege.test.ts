jest.mock('aws-cdk-lib/aws-lambda-nodejs', () => jest.requireActual('./support/nodejs-function-mock'));

import { deploy } from './support/deploy';
import { logicalId, permissionsOf } from './support/iam';

describe('least privilege', () => {
  it('lets collect put records on the event stream and nothing more of it', () => {
    const { stack, template } = deploy();
    const collect = permissionsOf(template, stack.functions.collect.function);

    expect(collect.allows('kinesis:PutRecords', stack.events.stream)).toBe(true);
    expect(collect.allows('kinesis:PutRecord', stack.events.stream)).toBe(true);
    expect(collect.allowsAnywhere('kinesis:GetRecords')).toBe(false);
    expect(collect.allowsAnywhere('kinesis:DeleteStream')).toBe(false);
  });

  it('keeps collect away from the lake, the key-value table, the identity queue and the key', () => {
    const { stack, template } = deploy();
    const collect = permissionsOf(template, stack.functions.collect.function);

    expect(collect.allowsAnywhere('s3:GetObject')).toBe(false);
    expect(collect.allowsAnywhere('s3:PutObject')).toBe(false);
    expect(collect.allowsAnywhere('dynamodb:GetItem')).toBe(false);
    expect(collect.allowsAnywhere('sqs:SendMessage')).toBe(false);
    expect(collect.allowsAnywhere('kms:Decrypt')).toBe(false);
  });

  it('lets only the Data API users read the database secret', () => {
    const { stack, template } = deploy();
    const secretReaders = Object.entries(stack.functions)
      .filter(([, fn]) =>
        permissionsOf(template, fn.function).allows('secretsmanager:GetSecretValue', stack.database.secret),
      )
      .map(([name]) => name);

    // Every function that reads or writes Aurora goes through the Data API, which needs the secret.
    expect(secretReaders.sort()).toEqual([
      'api',
      'collect',
      'enrich',
      'health',
      'maintain',
      'postback',
      'redirect',
      'resolveIdentity',
    ]);
    for (const [, fn] of Object.entries(stack.functions)) {
      expect(permissionsOf(template, fn.function).allowsAnywhere('secretsmanager:PutSecretValue')).toBe(false);
    }
  });

  it('lets enrich write to the lake through its Firehose streams only', () => {
    const { stack, template } = deploy();
    const enrich = permissionsOf(template, stack.functions.enrich.function);

    for (const stream of stack.lakeDelivery.streams.values()) {
      expect(enrich.allows('firehose:PutRecordBatch', stream)).toBe(true);
    }
    expect(enrich.allowsAnywhere('firehose:DeleteDeliveryStream')).toBe(false);
    expect(enrich.allowsAnywhere('s3:PutObject')).toBe(false);
    expect(enrich.allowsAnywhere('s3:GetObject')).toBe(false);
  });

  it('lets Firehose put objects in the lake but never delete them', () => {
    const { stack, template } = deploy();
    const firehose = permissionsOf(template, stack.lakeDelivery.role);

    expect(firehose.allows('s3:PutObject', stack.lake.bucket)).toBe(true);
    for (const action of [
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:PutBucketPolicy',
      's3:PutLifecycleConfiguration',
    ]) {
      expect(firehose.allowsAnywhere(action)).toBe(false);
    }
  });

  it('lets enrich send to the identity queue without consuming it', () => {
    const { stack, template } = deploy();
    const enrich = permissionsOf(template, stack.functions.enrich.function);

    expect(enrich.allows('sqs:SendMessage', stack.identityQueue.queue)).toBe(true);
    expect(enrich.allowsAnywhere('sqs:ReceiveMessage')).toBe(false);
    expect(enrich.allowsAnywhere('sqs:DeleteMessage')).toBe(false);
  });

  it('limits health to read-only probes', () => {
    const { stack, template } = deploy();
    const health = permissionsOf(template, stack.functions.health.function);

    expect(health.allows('kinesis:ListShards', stack.events.stream)).toBe(true);
    expect(health.allows('sqs:GetQueueAttributes', stack.identityQueue.queue)).toBe(true);
    expect(health.allows('dynamodb:GetItem', stack.keyValue.table)).toBe(true);
    expect(health.allows('s3:ListBucket', stack.lake.bucket)).toBe(true);
    for (const write of ['kinesis:PutRecords', 'kinesis:GetRecords', 'sqs:SendMessage', 'sqs:ReceiveMessage']) {
      expect(health.allowsAnywhere(write)).toBe(false);
    }
    expect(health.allows('dynamodb:PutItem', stack.keyValue.table)).toBe(false);
    expect(health.allows('s3:PutObject', stack.lake.bucket)).toBe(false);
    expect(health.allows('s3:GetObject', stack.lake.bucket)).toBe(true); // Athena reads the lake as the caller
  });

  it('grants no function an action on every resource', () => {
    const { stack, template } = deploy();

    for (const fn of Object.values(stack.functions)) {
      const wildcard = permissionsOf(template, fn.function).statements.filter((s) =>
        (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).includes('*'),
      );
      expect(wildcard).toEqual([]);
    }
  });

  it('gives each function the environment variable of every resource it is granted', () => {
    const { stack, template } = deploy();
    const env = (fn: keyof typeof stack.functions) =>
      template.toJSON().Resources[logicalId(stack.functions[fn].function)].Properties.Environment.Variables as Record<
        string,
        unknown
      >;

    expect(Object.keys(env('collect')).sort()).toEqual(
      [
        'NODE_OPTIONS',
        'POWERTOOLS_SERVICE_NAME',
        'SIGHTLINE_DB_CLUSTER_ARN',
        'SIGHTLINE_DB_NAME',
        'SIGHTLINE_DB_SECRET_ARN',
        'SIGHTLINE_EVENTS_STREAM',
        'SIGHTLINE_ORIGIN_VERIFY_SECRET',
        'SIGHTLINE_TRUSTED_PROXIES',
      ].sort(),
    );
    expect(env('enrich')).toMatchObject({
      SIGHTLINE_EVENTS_DELIVERY_STREAM: { Ref: expect.stringMatching(/^LakeDeliveryStreamevents/) },
      SIGHTLINE_FAILED_EVENTS_DELIVERY_STREAM: { Ref: expect.stringMatching(/^LakeDeliveryStreamfailedevents/) },
      SIGHTLINE_IDENTITY_QUEUE_URL: { Ref: expect.stringMatching(/^IdentityQueue/) },
      SIGHTLINE_KV_TABLE: { Ref: expect.stringMatching(/^KeyValueTable/) },
    });
  });

  it("lets maintain delete lake objects under the tables' prefixes only, and write only the daily rollups and the erasable tables", () => {
    const { stack, template } = deploy();
    const maintain = permissionsOf(template, stack.functions.maintain.function);
    const deletes = maintain.statements.filter((s) => [s.Action].flat().includes('s3:DeleteObject'));
    const lakeId = `"${logicalId(stack.lake.bucket)}"`;
    const lakePuts = maintain.statements
      .filter((s) => [s.Action].flat().includes('s3:PutObject'))
      .flatMap((s) => [s.Resource].flat())
      .filter((resource) => JSON.stringify(resource).includes(lakeId));

    expect(maintain.allows('s3:ListBucket', stack.lake.bucket)).toBe(true);
    const deleted = JSON.stringify(deletes.map((s) => s.Resource));
    for (const table of ['events', 'failed_events', 'session_days', 'visitor_days', 'page_days']) {
      expect(deleted).toContain(`"/${table}/*"`);
    }
    expect(JSON.stringify(deletes.map((s) => s.Resource))).not.toMatch(/"\/\*"/);
    expect(lakePuts.length).toBeGreaterThan(0);
    const puts = lakePuts.map((resource) => JSON.stringify(resource).match(/"\/(\w+)\/\*"/)?.[1]);
    // Events and failures are rewritten only to take an erased person's rows out (lifecycle/lake-erasure.ts).
    expect(puts.sort()).toEqual(['events', 'failed_events', 'page_days', 'session_days', 'visitor_days']);
    for (const action of ['s3:DeleteBucket', 'sqs:SendMessage', 'firehose:PutRecordBatch']) {
      expect(maintain.allowsAnywhere(action)).toBe(false);
    }
  });

  it('lets maintain query the lake through the Athena workgroup, to roll sessions up', () => {
    const { stack, template } = deploy();
    const maintain = permissionsOf(template, stack.functions.maintain.function);

    expect(maintain.allowsAnywhere('athena:StartQueryExecution')).toBe(true);
    expect(maintain.allows('s3:GetObject', stack.lake.bucket)).toBe(true);
    expect(maintain.allows('s3:PutObject', stack.analytics.resultsBucket)).toBe(true);
  });

  it("lets maintain unwrap the organizations' data keys, which retention's erasures take", () => {
    const { stack, template } = deploy();
    const maintain = permissionsOf(template, stack.functions.maintain.function);
    const env = template.toJSON().Resources[logicalId(stack.functions.maintain.function)].Properties.Environment
      .Variables as Record<string, unknown>;

    expect(maintain.allows('kms:Decrypt', stack.key.key)).toBe(true);
    expect(maintain.allows('kms:GenerateDataKey', stack.key.key)).toBe(true);
    expect(env).toHaveProperty('SIGHTLINE_KMS_KEY_ID');
  });
});
