import { randomUUID } from 'node:crypto';
import { parseTrustedProxies } from '../collection/client-context';
import { createCollector } from '../collection/collector';
import type { SiteRegistry } from '../collection/site-registry';
import type { Dependencies } from '../composition/dependencies';
import { type FailedEventFilter, type ReplayOutcome, replayFailedEvents } from '../pipeline/failed-events';

/** `sightline failed replay` over a set of dependencies (a running runtime's, or the CLI's own). */
export function replayWith(deps: Dependencies, sites: SiteRegistry) {
  // Replayed requests come from a synthetic loopback hop carrying the stored, truncated client IP.
  const trustedProxies = parseTrustedProxies('127.0.0.1/32');
  return (filter: FailedEventFilter): Promise<ReplayOutcome[]> =>
    replayFailedEvents(
      {
        analytics: deps.analytics,
        sites,
        events: deps.events,
        keyValue: deps.keyValue,
        makeCollector: (stream) =>
          createCollector({ sites, events: stream, trustedProxies, now: deps.now, newId: randomUUID }),
      },
      filter,
    );
}
