import { createHash } from 'node:crypto';
import middy from '@middy/core';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { CollectedEventEnvelope, FailedEventEnvelope } from '../collection/collected-event';
import type { SiteRecord, SiteRegistry } from '../collection/site-registry';
import { ValidationError } from '../core/errors';
import type { SiteSettings } from '../db/schema/core';
import type { Enricher } from '../enrichment/enrich-event';
import { storedFailurePayload } from '../enrichment/failure-payload';
import { eventsTable, failedEventsTable } from '../lake/tables';
import { decodeEnvelopes, failureRow } from '../pipeline/decode-envelopes';
import { claimFirstDeliveries, releaseClaims } from '../pipeline/dedupe';
import type { KeyValue } from '../ports/key-value';
import type { LakeSink } from '../ports/lake-sink';
import type { Queue } from '../ports/queue';
import type { Sql } from '../ports/sql';
import { lazyHandler } from './lazy-handler';

/** Turns a batch of collected events into lake rows (GeoIP, user agent, bots, channels, ...). */
export type BatchEnricher = Pick<Enricher, 'enrichBatch'>;

/** Builds the identity queue message for an event, when it carries identity signal, with its site's settings. */
export type IdentityObservationBuilder = (
  envelope: CollectedEventEnvelope,
  settings: SiteSettings | undefined,
) => unknown | undefined;

export interface EnrichHandlerDeps {
  readonly lakeSink: LakeSink;
  readonly sites: SiteRegistry;
  readonly keyValue: KeyValue;
  readonly sql: Sql;
  readonly enricher: BatchEnricher;
  readonly identityQueue?: Queue;
  readonly observe?: IdentityObservationBuilder;
  readonly now?: () => number;
}

/**
 * The Kinesis consumer: decodes envelopes, drops repeated event ids (claimed per stream record, so
 * a retry in any batch shape keeps its own), enriches, and appends the rows to the lake as one
 * write named after the batch's sequence range (locally a retry of the same batch overwrites its
 * own files rather than duplicating), plus failure records; then feeds identity resolution and
 * marks the sites as receiving events. Any error fails the whole batch, which is retried.
 */
export function makeEnrichHandler(deps: EnrichHandlerDeps) {
  const now = deps.now ?? Date.now;
  const enrich = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const records = event.Records;
    if (records.length === 0) return { batchItemFailures: [] };
    const first = records[0]?.kinesis.sequenceNumber ?? '0';
    const last = records.at(-1)?.kinesis.sequenceNumber ?? '0';
    const shard = (records[0]?.eventID ?? 'shard').split(':')[0] ?? 'shard';
    const fileId = `${shard}-${first}-${last}`;

    const { events, recordIds, failures } = decodeEnvelopes(records, now());
    const siteIds = [...new Set(events.map((e) => e.siteId))];
    const sites = new Map<string, SiteRecord>();
    for (const id of siteIds) {
      const site = await deps.sites.byId(id);
      if (site) sites.set(id, site);
    }
    const dedupeKey = (e: CollectedEventEnvelope) => `${e.siteId}#${e.event.eventId}`;
    const fresh = await claimFirstDeliveries(deps.keyValue, events, dedupeKey, (_, i) => recordIds[i] as string);
    const refused: CollectedEventEnvelope[] = [];
    const rows = deps.enricher.enrichBatch(
      fresh,
      (id) => sites.get(id),
      (failure) => {
        const envelope = fresh[failure.index];
        if (envelope) refused.push(envelope);
        const site = envelope ? sites.get(envelope.siteId) : undefined;
        failures.push(enrichmentFailure(envelope, site?.settings, failure.reason, failure.message));
      },
    );
    // Built before the failures are written: an observation identity would refuse is filed as one.
    const messages = identityMessages(deps, fresh, sites, (envelope, error) => {
      const settings = sites.get(envelope.siteId)?.settings;
      failures.push({
        ...enrichmentFailure(envelope, settings, 'identity_refused', error.message),
        field: error.field,
      });
    });
    await deps.lakeSink.write(eventsTable, rows, fileId);
    const failureRows = failures.map((f, i) => failureRow(f, hashId(`${fileId}#${i}`)));
    await deps.lakeSink.write(failedEventsTable, failureRows, fileId);
    // A refused event was filed as a failure, not delivered: its replay must not count as a resend.
    await releaseClaims(deps.keyValue, refused, dedupeKey);
    if (deps.identityQueue) {
      for (let i = 0; i < messages.length; i += 10) await deps.identityQueue.send(messages.slice(i, i + 10));
    }
    await markSitesActive(deps.sql, fresh);
    return { batchItemFailures: [] };
  };
  return middy<KinesisStreamEvent, KinesisStreamBatchResponse>(enrich);
}

/**
 * The identity queue's messages for `events` (none without a queue): an event whose observation
 * identity would refuse (`ValidationError`) is handed to `refused` and sends nothing; the event
 * itself still reaches the lake.
 */
function identityMessages(
  deps: EnrichHandlerDeps,
  events: readonly CollectedEventEnvelope[],
  sites: ReadonlyMap<string, SiteRecord>,
  refused: (envelope: CollectedEventEnvelope, error: ValidationError) => void,
): { body: string }[] {
  const { identityQueue, observe } = deps;
  if (!identityQueue || !observe) return [];
  return events.flatMap((e) => {
    try {
      const observation = observe(e, sites.get(e.siteId)?.settings);
      return observation ? [{ body: JSON.stringify(observation) }] : [];
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      refused(e, error);
      return [];
    }
  });
}

/** Installation status: the newest received time per site. */
async function markSitesActive(sql: Sql, events: readonly CollectedEventEnvelope[]): Promise<void> {
  const latest = new Map<string, number>();
  for (const e of events) latest.set(e.siteId, Math.max(latest.get(e.siteId) ?? 0, e.server.receivedAt));
  for (const [siteId, receivedAt] of latest) {
    const at = new Date(receivedAt);
    await sql.db
      .updateTable('sites')
      .set({ last_event_at: at })
      .where('id', '=', siteId)
      .where((eb) => eb.or([eb('last_event_at', 'is', null), eb('last_event_at', '<', at)]))
      .execute();
  }
}

/** A failure for an envelope enrichment could not use, its IPs truncated as the site's (or by default). */
function enrichmentFailure(
  envelope: CollectedEventEnvelope | undefined,
  settings: SiteRecord['settings'] | undefined,
  reason: FailedEventEnvelope['reason'],
  message: string,
): FailedEventEnvelope {
  return {
    kind: 'failed',
    v: 1,
    siteId: envelope?.siteId ?? 'unknown',
    organizationId: envelope?.organizationId ?? '',
    source: envelope?.source ?? 'server',
    receivedAt: envelope?.server.receivedAt ?? Date.now(),
    reason,
    message,
    payload: storedFailurePayload(envelope, settings),
  };
}

function hashId(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}

export const handler = lazyHandler(async () => {
  const { awsDependencies } = await import('../composition/aws-dependencies');
  const { createSiteRegistry } = await import('../collection/site-registry');
  const { createDefaultEnricher } = await import('../composition/enricher');
  const { identityObservation } = await import('../identity/identity-observation-filter');
  const deps = await awsDependencies();
  return makeEnrichHandler({
    lakeSink: deps.lakeSink,
    sites: createSiteRegistry(deps.sql),
    keyValue: deps.keyValue,
    sql: deps.sql,
    enricher: await createDefaultEnricher(),
    identityQueue: deps.identityQueue,
    observe: identityObservation,
  });
});
