import { sql as raw } from 'kysely';
import type { Dependencies, HealthCheck } from '../composition/dependencies';

/** One probe per adapter: each does the cheapest real operation its backing service allows. */
export function healthChecks(deps: Dependencies): Record<string, HealthCheck> {
  return {
    sql: async () => {
      await raw`select 1`.execute(deps.sql.db);
      return { engine: deps.sql.engine };
    },
    analytics: async () => {
      await deps.analytics.query('select 1 as ok');
      return undefined;
    },
    eventStream: async () => {
      await deps.events.consumer('health').shardIds();
      return undefined;
    },
    identityQueue: async () => ({ depth: await deps.identityQueue.depth() }),
    keyValue: async () => {
      await deps.keyValue.get('health#probe');
      return undefined;
    },
    objectStore: async () => {
      for await (const _ of deps.lake.list('health/')) break;
      return undefined;
    },
  };
}
