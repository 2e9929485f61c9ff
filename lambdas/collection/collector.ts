import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { UnauthorizedError, ValidationError } from '../core/errors';
import { header } from '../core/http/request';
import { FAILED_PAYLOAD_CHARS, storedFailurePayload } from '../enrichment/failure-payload';
import { truncateIp } from '../enrichment/ip-truncation';
import type { EventStream } from '../ports/event-stream';
import { issuePath } from './bounds';
import { serverContext, type TrustedProxies } from './client-context';
import {
  type EventSource,
  type FailedEventEnvelope,
  type FailureReason,
  type NormalizedEvent,
  type ServerContext,
  type StreamEnvelope,
  UNKNOWN_SITE_ID,
} from './collected-event';
import { SEGMENT_LIMITS, type SegmentType, segmentMessageSchema, segmentToNormalized } from './segment-schema';
import { originAllowed, type SiteRecord, type SiteRegistry } from './site-registry';
import { envelopeRecords } from './stream-records';
import { trackerEnvelopeSchema, trackerEventSchema, trackerEventToNormalized } from './tracker-schema';

export interface CollectorDeps {
  readonly sites: SiteRegistry;
  readonly events: EventStream;
  readonly trustedProxies: TrustedProxies;
  readonly now: () => number;
  readonly newId: () => string;
}

export interface Rejection {
  readonly index: number;
  readonly field: string;
  readonly message: string;
}

export interface CollectResult {
  readonly site: SiteRecord;
  readonly accepted: number;
  readonly rejected: readonly Rejection[];
  /** Anonymous id of the batch (for the server-set first-party cookie), when storage is allowed. */
  readonly anonymousId?: string;
  /** The batch's first page view (its URL may carry a landing click id). */
  readonly landing?: NormalizedEvent;
}

export class OriginNotAllowedError extends ValidationError {
  constructor(origin: string) {
    super(`origin ${origin} may not send events for this site`, 'origin');
    this.name = 'OriginNotAllowedError';
  }
}

/** Failures that name no site we know are kept under this pseudo-site. */
const UNKNOWN_SITE = { id: UNKNOWN_SITE_ID, organizationId: '' } as const;

/**
 * Validates, normalizes and durably enqueues events from the tracker, image beacons and
 * Segment-compatible clients. Resolves only once the stream holds every accepted event and every
 * failure record; a payload that cannot be attributed to a site is refused with a 4xx instead.
 */
export function createCollector(deps: CollectorDeps) {
  const failure = (
    site: Pick<SiteRecord, 'id' | 'organizationId'> & { settings?: SiteRecord['settings'] },
    source: EventSource,
    server: ServerContext,
    reason: FailureReason,
    detail: { field?: string; message: string },
    payload: unknown,
  ): FailedEventEnvelope => ({
    kind: 'failed',
    v: 1,
    siteId: site.id,
    organizationId: site.organizationId,
    source,
    receivedAt: server.receivedAt,
    reason,
    ...(detail.field ? { field: detail.field } : {}),
    message: detail.message,
    payload: storedFailurePayload(payload, site.settings),
    context: replayContext(server, site.settings),
  });

  const envelope = (site: SiteRecord, source: EventSource, server: ServerContext, event: NormalizedEvent) =>
    ({ kind: 'event', v: 1, siteId: site.id, organizationId: site.organizationId, source, server, event }) as const;

  return {
    /** `POST /e` and `GET /e.gif`: the tracker's batch format. */
    async collectTracker(request: APIGatewayProxyEventV2, source: 'tracker' | 'pixel', body: unknown) {
      const parsed = trackerEnvelopeSchema.safeParse(body);
      if (!parsed.success) {
        const { field, message } = issuePath('', parsed.error);
        throw new ValidationError(message, field);
      }
      const server = serverContext(request, deps.trustedProxies, deps.now());
      const site = await deps.sites.bySiteKey(parsed.data.site);
      if (!site) {
        const detail = { field: 'site', message: `unknown site key ${parsed.data.site}` };
        await deps.events.put(envelopeRecords([failure(UNKNOWN_SITE, source, server, 'unknown_site', detail, body)]));
        throw new ValidationError('unknown site key', 'site');
      }
      if (!originAllowed(site, server.origin)) {
        const detail = { field: 'origin', message: `origin ${server.origin} is not allowed` };
        await deps.events.put(envelopeRecords([failure(site, source, server, 'origin_not_allowed', detail, body)]));
        throw new OriginNotAllowedError(server.origin ?? '');
      }

      const envelopes: StreamEnvelope[] = [];
      const rejected: Rejection[] = [];
      let anonymousId: string | undefined;
      let landing: NormalizedEvent | undefined;
      parsed.data.events.forEach((raw, index) => {
        const event = trackerEventSchema.safeParse(raw);
        if (!event.success) {
          const detail = issuePath(`events[${index}]`, event.error);
          rejected.push({ index, ...detail });
          envelopes.push(failure(site, source, server, 'schema_violation', detail, raw));
          return;
        }
        const normalized = trackerEventToNormalized(event.data, parsed.data.sdk, parsed.data.sentAt);
        anonymousId ??= normalized.anonymousId;
        if (normalized.type === 'page') landing ??= normalized;
        envelopes.push(envelope(site, source, server, normalized));
      });
      await deps.events.put(envelopeRecords(envelopes));
      return {
        site,
        accepted: parsed.data.events.length - rejected.length,
        rejected,
        ...(anonymousId ? { anonymousId } : {}),
        ...(landing ? { landing } : {}),
      } satisfies CollectResult;
    },

    /**
     * `POST /v1/{batch|track|identify|page|screen|group|alias}`: Segment's HTTP tracking API. A body
     * over 500 KB or not a JSON object is refused with a 400 naming `body` (as Segment answers
     * them), and kept as a failure when the `Authorization` header names the site.
     */
    async collectSegment(request: APIGatewayProxyEventV2, pathType: 'batch' | SegmentType, bodyText: string) {
      const body = parseSegmentBody(bodyText);
      if (!body.ok) {
        // A wrong write key keeps nothing (the answer is still the 400 the body earned).
        const site = await siteOfAuthorization(deps.sites, request).catch((error: unknown) => {
          if (error instanceof UnauthorizedError) return undefined;
          throw error;
        });
        if (site) {
          const server = serverContext(request, deps.trustedProxies, deps.now());
          const detail = { field: 'body', message: body.message };
          await deps.events.put(
            envelopeRecords([
              failure(site, 'segment', server, body.reason, detail, bodyText.slice(0, FAILED_PAYLOAD_CHARS)),
            ]),
          );
        }
        throw new ValidationError(body.message, 'body');
      }
      const site = await authenticateWriteKey(deps.sites, request, body.value);
      return this.collectSegmentForSite(site, request, pathType, body.value);
    },

    /** Segment messages for a site already authenticated (the write key checked, or a replay). */
    async collectSegmentForSite(
      site: SiteRecord,
      request: APIGatewayProxyEventV2,
      pathType: 'batch' | SegmentType,
      body: Record<string, unknown>,
    ) {
      const messages =
        pathType === 'batch' ? batchMessages(body as Record<string, unknown>) : [{ ...body, type: pathType }];
      const server = serverContext(request, deps.trustedProxies, deps.now());
      const shared = pathType === 'batch' ? batchContext(body as Record<string, unknown>) : undefined;

      const envelopes: StreamEnvelope[] = [];
      const rejected: Rejection[] = [];
      messages.forEach((raw, index) => {
        const prefix = pathType === 'batch' ? `batch[${index}]` : '';
        const merged =
          shared && isObject(raw)
            ? { ...raw, context: { ...shared, ...(isObject(raw.context) ? raw.context : {}) } }
            : raw;
        if (Buffer.byteLength(JSON.stringify(merged)) > SEGMENT_LIMITS.eventBytes) {
          const detail = { field: prefix || 'body', message: 'event exceeds 32 KB' };
          rejected.push({ index, ...detail });
          envelopes.push(failure(site, 'segment', server, 'size_violation', detail, merged));
          return;
        }
        const message = segmentMessageSchema.safeParse(merged);
        if (!message.success) {
          const detail = issuePath(prefix, message.error);
          rejected.push({ index, ...detail });
          envelopes.push(failure(site, 'segment', server, 'schema_violation', detail, merged));
          return;
        }
        envelopes.push(envelope(site, 'segment', server, segmentToNormalized(message.data, deps.newId(), site.domain)));
      });
      if (pathType !== 'batch' && rejected.length > 0) {
        // A single-event call answers its error as a 400 naming the field (Segment would say 200); the failure is kept.
        await deps.events.put(envelopeRecords(envelopes));
        const [first] = rejected;
        throw new ValidationError(first?.message ?? 'invalid', first?.field ?? 'body');
      }
      await deps.events.put(envelopeRecords(envelopes));
      return { site, accepted: messages.length - rejected.length, rejected } satisfies CollectResult;
    },
  };
}

export type Collector = ReturnType<typeof createCollector>;

/**
 * What a failure keeps of its request so it can be replayed: the IP truncated as the site
 * stores IPs (failures are stored too), user agent, origin and CloudFront geo.
 */
function replayContext(
  server: ServerContext,
  settings: SiteRecord['settings'] | undefined,
): FailedEventEnvelope['context'] {
  const ip = truncateIp(server.ip, settings ?? {});
  return {
    ...(ip ? { ip } : {}),
    ...(server.userAgent ? { userAgent: server.userAgent } : {}),
    ...(server.origin ? { origin: server.origin } : {}),
    ...(server.geo ? { geo: server.geo } : {}),
  };
}

const batchSchema = z.object({ batch: z.array(z.unknown()).min(1).max(SEGMENT_LIMITS.batchEvents) });

function batchMessages(body: Record<string, unknown>): unknown[] {
  const parsed = batchSchema.safeParse(body);
  if (!parsed.success) {
    const { field, message } = issuePath('', parsed.error);
    throw new ValidationError(message, field);
  }
  return parsed.data.batch;
}

function batchContext(body: Record<string, unknown>): Record<string, unknown> | undefined {
  return isObject(body.context) ? body.context : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type SegmentBody =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly reason: FailureReason; readonly message: string };

function parseSegmentBody(text: string): SegmentBody {
  if (Buffer.byteLength(text) > SEGMENT_LIMITS.batchBytes) {
    return { ok: false, reason: 'size_violation', message: 'body exceeds 500 KB' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid_json', message: 'body is not valid JSON' };
  }
  return isObject(value)
    ? { ok: true, value }
    : { ok: false, reason: 'schema_violation', message: 'body must be a JSON object' };
}

/** The write key of an HTTP Basic `Authorization` header (its user name), if there is one. */
function basicWriteKey(request: APIGatewayProxyEventV2): string | undefined {
  const authorization = header(request, 'authorization');
  if (!authorization?.toLowerCase().startsWith('basic ')) return undefined;
  return Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8').split(':')[0];
}

/** The site whose write key the `Authorization` header carries; throws `UnauthorizedError` naming the field. */
async function siteOfAuthorization(sites: SiteRegistry, request: APIGatewayProxyEventV2) {
  const writeKey = basicWriteKey(request);
  return writeKey === undefined ? undefined : siteOfWriteKey(sites, writeKey, 'authorization');
}

async function siteOfWriteKey(sites: SiteRegistry, writeKey: string, field: 'authorization' | 'writeKey') {
  if (!writeKey || writeKey.length > 128) throw new UnauthorizedError('write key is not valid', { field });
  const site = await sites.byWriteKey(writeKey);
  if (!site) throw new UnauthorizedError('write key is not valid', { field });
  return site;
}

async function authenticateWriteKey(
  sites: SiteRegistry,
  request: APIGatewayProxyEventV2,
  body: Record<string, unknown>,
): Promise<SiteRecord> {
  const site = await siteOfAuthorization(sites, request);
  if (site) return site;
  if (typeof body.writeKey === 'string') return siteOfWriteKey(sites, body.writeKey, 'writeKey');
  throw new UnauthorizedError('a write key is required (HTTP Basic username or writeKey)', { field: 'writeKey' });
}
