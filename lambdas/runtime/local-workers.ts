import type { SiteRegistry } from '../collection/site-registry';
import type { LocalDependencies } from './local-dependencies';
import { createScheduler, type Schedule } from './scheduler';
import type { Poller } from './stream-poller';

/**
 * The background Lambdas of `npm start`: the enrichment consumer of the event stream, the
 * identity resolver on its queue, and scheduled jobs, each configured as its event source
 * mapping or rule is in CDK.
 */
export function localWorkers(deps: LocalDependencies, sites: SiteRegistry) {
  void sites;
  const pollers: Poller[] = [];
  const schedules: Schedule[] = [];
  const scheduler = createScheduler(schedules);
  return {
    start() {
      for (const p of pollers) p.start();
      scheduler.start();
    },
    async idle() {
      await Promise.all(pollers.map((p) => p.idle()));
    },
    async stop() {
      await scheduler.stop();
      await Promise.all(pollers.map((p) => p.stop()));
    },
    deps,
  };
}
