import type { SiteRegistry } from '../collection/site-registry';
import { createDefaultEnricher } from '../composition/enricher';
import { eventSources } from '../entries';
import { makeEnrichHandler } from '../handlers/enrich';
import { makeResolveIdentityHandler } from '../handlers/resolve-identity';
import { createOrganizationKeyring } from '../identity/crypto/organization-keys';
import { identityObservation } from '../identity/identity-observation-filter';
import { LOCAL_DATABASE } from '../lake/named-queries';
import { runDailyMaintenance } from '../lifecycle/daily-maintenance';
import type { LocalDependencies } from './local-dependencies';
import { createQueuePoller, type SqsHandler } from './queue-poller';
import { createScheduler, type Schedule } from './scheduler';
import { createStreamPoller, type KinesisHandler, type Poller } from './stream-poller';

/**
 * A collector record holds one request's events for a visitor (about ten from the tracker), so
 * locally a tenth of the Lambda's batch size keeps a batch near the events the Lambda gets: one
 * batch holds the shared event loop only briefly.
 */
const LOCAL_ENRICH_BATCH_SIZE = Math.max(1, Math.round(eventSources.enrich.batchSize / 10));

export interface LocalWorkersOptions {
  /**
   * The HTTP server's activity: while it serves requests, enrichment takes little CPU and lets the
   * stream absorb the burst (Kinesis decouples the two in AWS; here they share one event loop).
   */
  readonly yieldTo?: { busy(): boolean };
}

/**
 * The background Lambdas of `npm start`: the enrichment consumer of the event stream, the
 * identity resolver on its queue, and scheduled jobs, each configured as its event source
 * mapping or rule is in CDK (`eventSources` in `lambdas/entries.ts`).
 */
export async function localWorkers(deps: LocalDependencies, sites: SiteRegistry, options: LocalWorkersOptions = {}) {
  const enrich = makeEnrichHandler({
    lakeSink: deps.lakeSink,
    sites,
    keyValue: deps.keyValue,
    sql: deps.sql,
    enricher: await createDefaultEnricher(),
    identityQueue: deps.identityQueue,
    observe: identityObservation,
  });
  const resolveIdentity = makeResolveIdentityHandler({ sql: deps.sql, keyWrapper: deps.keyWrapper });
  const pollers: Poller[] = [
    createStreamPoller({
      stream: deps.events,
      consumerName: 'enrich',
      functionName: 'enrich',
      handler: enrich as unknown as KinesisHandler,
      batchSize: LOCAL_ENRICH_BATCH_SIZE,
      maxBatchingWindowMs: eventSources.enrich.maxBatchingWindowSeconds * 1000,
      retryAttempts: eventSources.enrich.retryAttempts,
      onFailure: deps.deadLetters.enrich,
      ...(options.yieldTo ? { yieldTo: options.yieldTo } : {}),
    }),
    createQueuePoller({
      queue: deps.identityQueue,
      functionName: 'resolve-identity',
      handler: resolveIdentity as unknown as SqsHandler,
      batchSize: eventSources.resolveIdentity.batchSize,
      maxBatchingWindowMs: eventSources.resolveIdentity.maxBatchingWindowSeconds * 1000,
    }),
  ];
  const schedules: Schedule[] = [
    // Slim-event partitions months ahead, each site's retention, then the session rollup (the `maintain` Lambda's daily run).
    {
      name: 'daily-maintenance',
      expression: 'rate(1 day)',
      afterStart: { delayMs: 30_000 },
      handler: () =>
        runDailyMaintenance(
          {
            sql: deps.sql,
            lake: deps.lake,
            keyring: createOrganizationKeyring(deps.sql, deps.keyWrapper),
            analytics: deps.analytics,
            analyticsDatabase: LOCAL_DATABASE,
          },
          new Date(deps.now()),
        ),
    },
  ];
  const scheduler = createScheduler(schedules);
  return {
    start() {
      for (const p of pollers) p.start();
      scheduler.start();
    },
    /** Resolves once the stream is consumed and the queues are empty. */
    async idle() {
      while ((await deps.events.lag('enrich')) > 0 || (await deps.identityQueue.depth()) > 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      await scheduler.stop();
      await Promise.all(pollers.map((p) => p.stop()));
    },
  };
}
