import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ValidationError } from '../core/errors';
import { createOrganizationKeyring } from '../identity/crypto/organization-keys';
import type { IdentityRules } from '../identity/identity-rules';
import { parseIdentityObservation } from '../identity/observation';
import { createResolver } from '../identity/resolver';
import type { SoftLinkOptions } from '../identity/soft-links';
import type { DataKeyWrapper } from '../ports/key-wrapper';
import type { Sql } from '../ports/sql';
import { lazyHandler } from './lazy-handler';

export interface ResolveIdentityHandlerDeps {
  readonly sql: Sql;
  /** KMS in AWS, the local master key in `npm start`. */
  readonly keyWrapper: DataKeyWrapper;
  readonly rules?: IdentityRules;
  readonly softLinks?: SoftLinkOptions | false;
}

/**
 * The identity queue's consumer: resolves each message (an `IdentityObservation`) in its own
 * transaction and reports the ones that failed, so SQS retries only those (and moves a message that
 * keeps failing, like a malformed one, to the dead-letter queue). Records of a batch run in
 * parallel: resolution is safe under concurrency.
 *
 * @example
 * const handler = makeResolveIdentityHandler({ sql: deps.sql, keyWrapper: createLocalKeyWrapper({ path }) });
 * createQueuePoller({ queue: deps.identityQueue, functionName: 'resolve-identity', handler });
 */
export function makeResolveIdentityHandler(deps: ResolveIdentityHandlerDeps) {
  const resolver = createResolver({
    sql: deps.sql,
    keyring: createOrganizationKeyring(deps.sql, deps.keyWrapper),
    ...(deps.rules ? { rules: deps.rules } : {}),
    ...(deps.softLinks !== undefined ? { softLinks: deps.softLinks } : {}),
  });
  const processor = new BatchProcessor(EventType.SQS);

  const resolveRecord = async (record: SQSRecord): Promise<void> => {
    let observation: unknown;
    try {
      observation = JSON.parse(record.body);
    } catch (error) {
      throw new ValidationError('identity message is not JSON', 'body', { cause: error });
    }
    await resolver.resolve(parseIdentityObservation(observation));
  };

  const resolveIdentity = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, resolveRecord, processor, { ...(context ? { context } : {}) });

  return middy<SQSEvent, SQSBatchResponse>(resolveIdentity);
}

export const handler = lazyHandler(async () => {
  const { awsDependencies } = await import('../composition/aws-dependencies');
  const { createKmsDataKeyWrapper } = await import('../adapters/aws/kms-key-wrapper');
  const { ENV, requireEnv } = await import('../core/config');
  const deps = await awsDependencies();
  return makeResolveIdentityHandler({
    sql: deps.sql,
    keyWrapper: createKmsDataKeyWrapper({ keyId: requireEnv(ENV.kmsKeyId) }),
  });
});
