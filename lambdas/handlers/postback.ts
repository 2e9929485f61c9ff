import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseTrustedProxies } from '../collection/client-context';
import type { SiteRegistry } from '../collection/site-registry';
import { httpErrorHandler } from '../core/http/error-handler';
import { type HttpResponse, jsonResponse } from '../core/http/responses';
import type { EventStream } from '../ports/event-stream';
import type { KeyValue } from '../ports/key-value';
import type { DataKeyWrapper } from '../ports/key-wrapper';
import type { Sql } from '../ports/sql';
import { createPostbackSettingsStore } from '../postbacks/postback-settings';
import { receivePostback } from '../postbacks/receive-postback';
import { lazyHandler } from './lazy-handler';

export interface PostbackHandlerDeps {
  readonly sql: Sql;
  readonly sites: SiteRegistry;
  readonly events: EventStream;
  /** Where the redirect keeps clicks, for linking conversions to them. */
  readonly keyValue: KeyValue;
  /** Opens sites' HMAC secrets (KMS in AWS, the local master key in `npm start`). */
  readonly keyWrapper: DataKeyWrapper;
  /** `cloudfront` and/or CIDRs (see `parseTrustedProxies`): whose forwarded address the IP allow-list believes. */
  readonly trustedProxies: string;
  /** Proof that a request came through our CloudFront distribution (`ORIGIN_VERIFY_HEADER`): without it CloudFront's viewer headers are not believed. */
  readonly originVerifySecret?: string;
  readonly now?: () => number;
}

/**
 * `GET|POST /postback/{network}` for everflow, tune, trackier, impact, cake, appsflyer, adjust,
 * branch and generic. Answers 200 `{ status, conversionId, revision }` once the conversion (or
 * its change) is on the event stream; 200 `duplicate` for a replay; 401 / 403 when the token,
 * signature or source address fails; 400 naming the field for an invalid postback (kept as a
 * failed event).
 *
 * @example
 * const handler = makePostbackHandler({ sql, sites, events, keyValue, keyWrapper, trustedProxies: 'cloudfront' });
 */
export function makePostbackHandler(deps: PostbackHandlerDeps) {
  const now = deps.now ?? Date.now;
  const receiveDeps = {
    sql: deps.sql,
    sites: deps.sites,
    settings: createPostbackSettingsStore(deps.sql, deps.keyWrapper, { now }),
    events: deps.events,
    keyValue: deps.keyValue,
    trustedProxies: parseTrustedProxies(deps.trustedProxies, deps.originVerifySecret),
    now,
  };
  const postback = async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
    const network = event.pathParameters?.network ?? event.rawPath.split('/')[2] ?? '';
    const result = await receivePostback(event, network, receiveDeps);
    return jsonResponse(200, {
      status: result.status,
      network: result.network,
      conversionId: result.conversion.id,
      revision: result.conversion.revision,
    });
  };
  return middy<APIGatewayProxyEventV2, HttpResponse>(postback).use(httpErrorHandler());
}

export const handler = lazyHandler(async () => {
  const { awsDependencies } = await import('../composition/aws-dependencies');
  const { createKmsDataKeyWrapper } = await import('../adapters/aws/kms-key-wrapper');
  const { createSiteRegistry } = await import('../collection/site-registry');
  const { ENV, optionalEnv, requireEnv } = await import('../core/config');
  const deps = await awsDependencies();
  return makePostbackHandler({
    sql: deps.sql,
    sites: createSiteRegistry(deps.sql),
    events: deps.events,
    keyValue: deps.keyValue,
    keyWrapper: createKmsDataKeyWrapper({ keyId: requireEnv(ENV.kmsKeyId) }),
    trustedProxies: optionalEnv(ENV.trustedProxies) ?? 'cloudfront',
    originVerifySecret: optionalEnv(ENV.originVerifySecret),
  });
});
