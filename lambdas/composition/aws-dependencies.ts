import { createAthenaAnalytics } from '../adapters/aws/athena-analytics';
import { createDataApiSql } from '../adapters/aws/data-api-sql';
import { createDynamoDbKeyValue } from '../adapters/aws/dynamodb-key-value';
import { createFirehoseLakeSink } from '../adapters/aws/firehose-lake-sink';
import { createKinesisEventStream } from '../adapters/aws/kinesis-event-stream';
import { createKmsDataKeyWrapper } from '../adapters/aws/kms-key-wrapper';
import { createS3ObjectStore } from '../adapters/aws/s3-object-store';
import { createSqsQueue } from '../adapters/aws/sqs-queue';
import { ENV, optionalEnv, requireEnv } from '../core/config';
import type { Dependencies } from './dependencies';

let built: Promise<Dependencies> | undefined;

/**
 * The AWS adapters a Lambda runs on, built on first use from the environment the CDK construct
 * set (one writer, one reader: `lib/` sets each `ENV` name it grants access to). Only the
 * variables a function was given are read: a handler that never touches SQL needs no cluster ARN.
 */
export function awsDependencies(env: NodeJS.ProcessEnv = process.env): Promise<Dependencies> {
  built ??= Promise.resolve(buildAwsDependencies(env));
  return built;
}

export function buildAwsDependencies(env: NodeJS.ProcessEnv): Dependencies {
  const lazy = <T extends object>(make: () => T): T => {
    let instance: T | undefined;
    return new Proxy({} as T, {
      get: (_target, property) => {
        instance ??= make();
        const value = Reflect.get(instance, property);
        return typeof value === 'function' ? value.bind(instance) : value;
      },
    });
  };
  const keyValue = lazy(() => createDynamoDbKeyValue({ tableName: requireEnv(ENV.keyValueTable, env) }));
  return {
    sql: lazy(() =>
      createDataApiSql({
        resourceArn: requireEnv(ENV.dbClusterArn, env),
        secretArn: requireEnv(ENV.dbSecretArn, env),
        database: requireEnv(ENV.dbName, env),
      }),
    ),
    events: lazy(() =>
      createKinesisEventStream({
        streamName: requireEnv(ENV.eventsStreamName, env),
        ...(optionalEnv(ENV.keyValueTable, env) ? { checkpoints: keyValue } : {}),
      }),
    ),
    lake: lazy(() => createS3ObjectStore({ bucket: requireEnv(ENV.lakeBucket, env) })),
    lakeSink: lazy(() =>
      createFirehoseLakeSink({
        deliveryStreams: {
          events: requireEnv(ENV.eventsDeliveryStream, env),
          failed_events: requireEnv(ENV.failedEventsDeliveryStream, env),
        },
      }),
    ),
    analytics: lazy(() =>
      createAthenaAnalytics({
        workGroup: requireEnv(ENV.athenaWorkgroup, env),
        database: requireEnv(ENV.glueDatabase, env),
        ...(optionalEnv(ENV.athenaOutput, env) ? { outputLocation: optionalEnv(ENV.athenaOutput, env) } : {}),
      }),
    ),
    keyValue,
    identityQueue: lazy(() => createSqsQueue({ queueUrl: requireEnv(ENV.identityQueueUrl, env), name: 'identity' })),
    keyWrapper: lazy(() => createKmsDataKeyWrapper({ keyId: requireEnv(ENV.kmsKeyId, env) })),
    now: Date.now,
  };
}
