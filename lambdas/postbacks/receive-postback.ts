import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { clientIp, type TrustedProxies } from '../collection/client-context';
import type { FailedEventEnvelope } from '../collection/collected-event';
import type { SiteRecord, SiteRegistry } from '../collection/site-registry';
import { NotFoundError, UnauthorizedError, ValidationError } from '../core/errors';
import { storedFailurePayload } from '../enrichment/failure-payload';
import type { EventStream } from '../ports/event-stream';
import type { KeyValue } from '../ports/key-value';
import type { Sql } from '../ports/sql';
import { linkedClick } from './click-link';
import { conversionEnvelope, conversionRecord } from './conversion-envelope';
import { type RecordOutcome, recordConversion } from './conversion-store';
import { isPostbackNetwork, type PostbackNetwork } from './networks';
import { type ParsedConversion, validateConversion } from './parsed-conversion';
import { parserFor } from './parsers';
import { type PostbackRequest, readPostbackRequest } from './postback-request';
import type { PostbackSettings, PostbackSettingsStore } from './postback-settings';
import { verifyPostback } from './verify-postback';

export interface ReceivePostbackDeps {
  readonly sql: Sql;
  readonly sites: SiteRegistry;
  readonly settings: PostbackSettingsStore;
  readonly events: EventStream;
  /** Where the redirect keeps clicks (`lambdas/attribution/click-records.ts`). */
  readonly keyValue: KeyValue;
  readonly trustedProxies: TrustedProxies;
  readonly now: () => number;
}

export interface PostbackResult extends RecordOutcome {
  readonly network: PostbackNetwork;
}

/**
 * `GET|POST /postback/<network>`: authenticates the postback for its site (token, HMAC, IP
 * allow-list: 401/403 and nothing stored), parses the network's fields into one conversion,
 * links it to the tracked-link click it came from, and records it idempotently, emitting each
 * stored change to the event stream (→ lake, `event_type = 'conversion'`). A postback whose fields
 * fail validation is kept as a failed event with the reason and answered 400 naming the field.
 *
 * @example
 * const result = await receivePostback(event, event.pathParameters?.network ?? '', deps);
 * result.status; // 'created' | 'updated' | 'duplicate' | 'stale'
 */
export async function receivePostback(
  event: APIGatewayProxyEventV2,
  networkName: string,
  deps: ReceivePostbackDeps,
): Promise<PostbackResult> {
  if (!isPostbackNetwork(networkName)) throw new NotFoundError(`no postback endpoint for ${networkName.slice(0, 32)}`);
  const network = networkName;
  const request = readPostbackRequest(event);
  const { site, settings } = await authenticate(request, event, deps);
  const receivedAt = deps.now();

  let conversion: ParsedConversion;
  try {
    const parser = parserFor(network, settings.genericMapping);
    if (!parser) throw new ValidationError('generic postbacks need a field mapping in the site settings', 'network');
    conversion = validateConversion(network, parser.read(request.fields), {
      status: parser.defaultStatus,
      eventName: parser.defaultEventName,
      currency: settings.defaultCurrency,
      ...(settings.genericMapping?.statusValues ? { statusValues: settings.genericMapping.statusValues } : {}),
      now: receivedAt,
    });
  } catch (error) {
    if (error instanceof ValidationError) await recordFailure(deps.events, site, network, receivedAt, error, request);
    throw error;
  }

  const occurredAt = Math.min(conversion.eventTime ?? receivedAt, receivedAt);
  const click = await linkedClick(deps.keyValue, site.id, conversion, occurredAt);
  const linked: ParsedConversion = click
    ? {
        ...conversion,
        affiliateId: click.affiliateId ?? conversion.affiliateId,
        offerId: click.offerId ?? conversion.offerId,
        campaign: conversion.campaign ?? click.campaign,
        subIds: { ...conversion.subIds, ...click.subIds },
      }
    : conversion;
  const outcome = await recordConversion(
    deps.sql,
    {
      siteId: site.id,
      organizationId: site.organizationId,
      conversion: dropUndefined(linked),
      ...(click ? { matchedClickId: click.clickId, linkId: click.linkId } : {}),
      ...(click?.anonymousId ? { anonymousId: click.anonymousId } : {}),
      rawPayload: request.fields,
      receivedAt,
    },
    (row) => deps.events.put([conversionRecord(conversionEnvelope(row, receivedAt))]),
  );
  return { ...outcome, network };
}

async function authenticate(
  request: PostbackRequest,
  event: APIGatewayProxyEventV2,
  deps: ReceivePostbackDeps,
): Promise<{ site: SiteRecord; settings: PostbackSettings }> {
  if (!request.siteKey) throw new UnauthorizedError('a site key is required (sl_site or x-sightline-site)');
  const site = request.siteKey.length <= 128 ? await deps.sites.bySiteKey(request.siteKey) : undefined;
  // Unknown sites and sites without postbacks answer alike: neither reveals which sites exist.
  if (!site) throw new UnauthorizedError('postbacks are not enabled for this site key');
  const settings = await deps.settings.forSite(site);
  if (!settings) throw new UnauthorizedError('postbacks are not enabled for this site key');
  verifyPostback(request, clientIp(event, deps.trustedProxies), settings);
  return { site, settings };
}

/** A failed postback on the stream, as the collector records failed events (secrets were never in `fields`; an `ip` field is truncated). */
async function recordFailure(
  events: EventStream,
  site: SiteRecord,
  network: PostbackNetwork,
  receivedAt: number,
  error: ValidationError,
  request: PostbackRequest,
): Promise<void> {
  const failure: FailedEventEnvelope = {
    kind: 'failed',
    v: 1,
    siteId: site.id,
    organizationId: site.organizationId,
    source: 'postback',
    receivedAt,
    reason: 'schema_violation',
    field: error.field,
    message: `${network}: ${error.message}`,
    payload: storedFailurePayload({ network, fields: request.fields }, site.settings),
  };
  await events.put([{ partitionKey: `${site.id}:failed`, data: Buffer.from(JSON.stringify(failure)) }]);
}

function dropUndefined(conversion: ParsedConversion): ParsedConversion {
  return Object.fromEntries(Object.entries(conversion).filter(([, value]) => value !== undefined)) as ParsedConversion;
}
