import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ValidationError } from '../core/errors';
import type { BatchOutcome } from '../identity/batch-resolver';
import { createOrganizationKeyring } from '../identity/crypto/organization-keys';
import type { IdentityRules } from '../identity/identity-rules';
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
 * The identity queue's consumer: resolves the batch's messages (`IdentityObservation`s) together
 * (`resolveBatch`: a few statements for the whole batch where nothing needs re-stitching) and
 * reports the ones that failed, so SQS retries only those (and moves a message that keeps failing,
 * like a malformed one, to the dead-letter queue).
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

  const resolveAll = async (records: readonly SQSRecord[]): Promise<Map<string, BatchOutcome>> => {
    const bodies = records.map((record): unknown | ValidationError => {
      try {
        return JSON.parse(record.body);
      } catch (error) {
        return new ValidationError('identity message is not JSON', 'body', { cause: error });
      }
    });
    const parsed = bodies.flatMap((body, i) => (body instanceof ValidationError ? [] : [{ body, i }]));
    const resolved = await resolver.resolveBatch(parsed.map((p) => p.body));
    const byMessage = new Map<string, BatchOutcome>();
    bodies.forEach((body, i) => {
      if (body instanceof ValidationError)
        byMessage.set((records[i] as SQSRecord).messageId, { ok: false, error: body });
    });
    for (const [n, p] of parsed.entries()) {
      byMessage.set((records[p.i] as SQSRecord).messageId, resolved[n] as BatchOutcome);
    }
    return byMessage;
  };

  const resolveIdentity = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    // One resolution for the batch; each record's handler awaits its own outcome, so Powertools
    // reports exactly the records whose observation failed.
    const outcomes = resolveAll(event.Records);
    const resolveRecord = async (record: SQSRecord): Promise<void> => {
      const outcome = (await outcomes).get(record.messageId);
      if (!outcome?.ok) throw outcome?.error ?? new Error(`message ${record.messageId} was not resolved`);
    };
    return processPartialResponse(event, resolveRecord, processor, { ...(context ? { context } : {}) });
  };

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
