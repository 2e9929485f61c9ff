import type { SiteRegistry } from '../collection/site-registry';
import { createDefaultEnricher } from '../composition/enricher';
import { eventSources } from '../entries';
import { makeEnrichHandler } from '../handlers/enrich';
import { makeResolveIdentityHandler } from '../handlers/resolve-identity';
import { createOrganizationKeyring } from '../identity/crypto/organization-keys';
import { identityObservation } from '../identity/identity-observation-filter';
import { runDailyMaintenance } from '../lifecycle/daily-maintenance';
import type { LocalDependencies } from './local-dependencies';
import { createQueuePoller, type SqsHandler } from './queue-poller';
import { createScheduler, type Schedule } from './scheduler';
import { createStreamPoller, type KinesisHandler, type Poller } from './stream-poller';

/**
 * The background Lambdas of `npm start`: the enrichment consumer of the event stream, the
 * identity resolver on its queue, and scheduled jobs, each configured as its event source
 * mapping or rule is in CDK (`eventSources` in `lambdas/entries.ts`).
 */
export async function localWorkers(deps: LocalDependencies, sites: SiteRegistry) {
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
      batchSize: eventSources.enrich.batchSize,
      maxBatchingWindowMs: eventSources.enrich.maxBatchingWindowSeconds * 1000,
      retryAttempts: eventSources.enrich.retryAttempts,
      onFailure: deps.deadLetters.enrich,
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
    // Slim-event partitions months ahead, then each site's retention (the `maintain` Lambda's daily run).
    {
      name: 'daily-maintenance',
      expression: 'rate(1 day)',
      afterStart: { delayMs: 30_000 },
      handler: () =>
        runDailyMaintenance(
          { sql: deps.sql, lake: deps.lake, keyring: createOrganizationKeyring(deps.sql, deps.keyWrapper) },
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
