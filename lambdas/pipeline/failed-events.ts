import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { CollectedEventEnvelope, FailureReason } from '../collection/collected-event';
import type { Collector } from '../collection/collector';
import type { SegmentType } from '../collection/segment-schema';
import type { SiteRegistry } from '../collection/site-registry';
import { envelopeRecords, envelopesOf } from '../collection/stream-records';
import { ValidationError } from '../core/errors';
import type { Analytics } from '../ports/analytics';
import type { EventStream, StreamRecordInput } from '../ports/event-stream';
import type { KeyValue } from '../ports/key-value';

export interface FailedEventFilter {
  readonly reason?: FailureReason;
  readonly siteId?: string;
  /** YYYY-MM-DD: failures recorded on or after this day. */
  readonly since?: string;
  /** @default 100 */
  readonly limit?: number;
}

export interface FailedEventRow {
  readonly failure_id: string;
  readonly site_id: string;
  readonly received_at: Date;
  readonly source: string;
  readonly reason: string;
  readonly field: string | null;
  readonly message: string;
  readonly payload: string;
  readonly context: string | null;
  readonly dt: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Failed events, newest first, from the lake's `failed_events` table.
 *
 * @example
 * const rows = await listFailedEvents(analytics, { reason: 'schema_violation', limit: 20 });
 */
export async function listFailedEvents(
  analytics: Analytics,
  filter: FailedEventFilter = {},
): Promise<FailedEventRow[]> {
  const limit = filter.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
    throw new ValidationError('limit must be 1–100000', 'limit');
  if (filter.since !== undefined && !DAY.test(filter.since))
    throw new ValidationError('since must be YYYY-MM-DD', 'since');
  const where: string[] = [];
  const params: string[] = [];
  if (filter.reason) {
    where.push('reason = ?');
    params.push(filter.reason);
  }
  if (filter.siteId) {
    where.push('site_id = ?');
    params.push(filter.siteId);
  }
  if (filter.since) {
    where.push('dt >= ?');
    params.push(filter.since);
  }
  const sql = `select failure_id, site_id, received_at, source, reason, field, message, payload, context, dt
    from failed_events ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
    order by received_at desc, failure_id limit ${limit}`;
  return (await analytics.query(sql, { params, maxRows: limit })).rows as unknown as FailedEventRow[];
}

export interface ReplayDeps {
  readonly analytics: Analytics;
  /** A collector writing to a capturing stream: see `replayFailedEvents`. */
  readonly makeCollector: (stream: EventStream) => Collector;
  readonly sites: SiteRegistry;
  readonly events: EventStream;
  readonly keyValue: KeyValue;
}

export interface ReplayOutcome {
  readonly failureId: string;
  readonly status: 'replayed' | 'still_failing' | 'already_replayed' | 'not_replayable';
  readonly detail?: string;
}

/**
 * Runs failed events through collection again (after a fix to a site's allowed origins, a new
 * site, or a schema change). Each is first collected into a capturing stream: only when every
 * event of it now passes are its envelopes put on the real stream, so a failure that still
 * fails adds no new failure records. Replayed ids are remembered and not replayed twice.
 */
export async function replayFailedEvents(deps: ReplayDeps, filter: FailedEventFilter = {}): Promise<ReplayOutcome[]> {
  const failures = await listFailedEvents(deps.analytics, filter);
  const outcomes: ReplayOutcome[] = [];
  for (const failure of failures) {
    const marker = `replayed#${failure.failure_id}`;
    if ((await deps.keyValue.get(marker)) !== undefined) {
      outcomes.push({ failureId: failure.failure_id, status: 'already_replayed' });
      continue;
    }
    const captured: StreamRecordInput[] = [];
    const capture: EventStream = {
      put: async (records) => {
        captured.push(...records);
      },
      consumer: () => {
        throw new Error('a replay capture has no consumers');
      },
    };
    const outcome = await recollect(failure, deps.makeCollector(capture), capture, deps.sites).catch(
      (error: Error): ReplayOutcome => ({
        failureId: failure.failure_id,
        status: 'still_failing',
        detail: error.message,
      }),
    );
    if (outcome.status !== 'replayed') {
      outcomes.push(outcome);
      continue;
    }
    const stillFailed = captured.some((r) =>
      envelopesOf(Buffer.from(r.data).toString()).some((e) => (e as { kind?: string } | null)?.kind === 'failed'),
    );
    if (stillFailed || captured.length === 0) {
      outcomes.push({ failureId: failure.failure_id, status: 'still_failing', detail: 'the event is still rejected' });
      continue;
    }
    await deps.events.put(captured);
    await deps.keyValue.put(marker, new Date().toISOString(), { ttlSeconds: 400 * 86_400 });
    outcomes.push(outcome);
  }
  return outcomes;
}

async function recollect(
  failure: FailedEventRow,
  collector: Collector,
  capture: EventStream,
  sites: SiteRegistry,
): Promise<ReplayOutcome> {
  const failureId = failure.failure_id;
  let payload: unknown;
  try {
    payload = JSON.parse(failure.payload);
  } catch {
    return { failureId, status: 'not_replayable', detail: 'payload was truncated or is not JSON' };
  }
  const context = failure.context
    ? (JSON.parse(failure.context) as { ip?: string; userAgent?: string; origin?: string })
    : {};
  if (isEventEnvelope(payload)) {
    // Enrichment refused an envelope the collector had accepted: it goes back on the stream as it
    // was stored (IPs truncated), to be enriched again.
    if (!(await sites.byId(payload.siteId))) {
      return { failureId, status: 'not_replayable', detail: 'its site no longer exists' };
    }
    await capture.put(envelopeRecords([payload]));
    return { failureId, status: 'replayed' };
  }
  const request = syntheticRequest(context);
  if (failure.source === 'tracker' || failure.source === 'pixel') {
    const isBody = typeof payload === 'object' && payload !== null && 'events' in payload;
    const site = isBody ? undefined : await sites.byId(failure.site_id);
    if (!isBody && !site) return { failureId, status: 'not_replayable', detail: 'its site no longer exists' };
    const body = isBody ? payload : { site: site?.siteKey, events: [payload] };
    await collector.collectTracker(request, failure.source, body);
    return { failureId, status: 'replayed' };
  }
  if (failure.source === 'segment') {
    const site = await sites.byId(failure.site_id);
    if (!site) return { failureId, status: 'not_replayable', detail: 'its site no longer exists' };
    const message = (payload ?? {}) as Record<string, unknown>;
    await collector.collectSegmentForSite(site, request, String(message.type ?? 'track') as SegmentType, message);
    return { failureId, status: 'replayed' };
  }
  return {
    failureId,
    status: 'not_replayable',
    detail: `failures from ${failure.source} are replayed by their sender`,
  };
}

function isEventEnvelope(value: unknown): value is CollectedEventEnvelope {
  const envelope = value as Partial<CollectedEventEnvelope> | null;
  return (
    envelope?.kind === 'event' &&
    envelope.v === 1 &&
    typeof envelope.siteId === 'string' &&
    typeof envelope.event === 'object' &&
    typeof envelope.server === 'object'
  );
}

/** The request a replayed event arrives on: its stored context, from a trusted local hop. */
function syntheticRequest(context: { ip?: string; userAgent?: string; origin?: string }): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  if (context.ip) headers['x-forwarded-for'] = context.ip;
  if (context.userAgent) headers['user-agent'] = context.userAgent;
  if (context.origin) headers.origin = context.origin;
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: 'REPLAY',
    rawPath: '/replay',
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'replay',
      domainName: 'replay',
      domainPrefix: 'replay',
      http: {
        method: 'POST',
        path: '/replay',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: context.userAgent ?? '',
      },
      requestId: `replay-${now}`,
      routeKey: 'REPLAY',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    isBase64Encoded: false,
  };
}
