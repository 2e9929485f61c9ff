import { z } from 'zod';
import { migrateToLatest } from '../db/migrate';
import { ensureEventPartitions } from '../identity/event-partitions';
import {
  type DailyMaintenanceDeps,
  type DailyMaintenanceReport,
  runDailyMaintenance,
} from '../lifecycle/daily-maintenance';
import { lazyHandler } from './lazy-handler';

/**
 * `deploy`: what CloudFormation runs after every deployment (a CDK trigger invokes the function
 * with no payload): migrations, then partitions. `daily`: what the EventBridge rule sends.
 */
const maintenanceEvent = z.object({ task: z.enum(['deploy', 'daily']).default('deploy') }).loose();

export type MaintenanceResult =
  | { readonly task: 'deploy'; readonly migrated: readonly string[]; readonly partitions: readonly string[] }
  | ({ readonly task: 'daily' } & DailyMaintenanceReport);

/**
 * Keeps the database and the lake in shape: brings the schema to the latest migration on each
 * deployment, and once a day creates slim-event partitions ahead of time and enforces each site's
 * retention and rolls finished days up into `session_days`, `visitor_days` and `page_days`. Failing loudly matters here: a failed migration fails the deployment.
 *
 * @example
 * const maintain = makeMaintainHandler({ sql, keyring, lake, analytics, analyticsDatabase: LOCAL_DATABASE, now: Date.now });
 * await maintain({ task: 'daily' });
 */
export function makeMaintainHandler(deps: DailyMaintenanceDeps & { readonly now: () => number }) {
  return async (event: unknown): Promise<MaintenanceResult> => {
    const { task } = maintenanceEvent.parse(event ?? {});
    const now = new Date(deps.now());
    if (task === 'daily') return { task, ...(await runDailyMaintenance(deps, now)) };
    const migrations = await migrateToLatest(deps.sql);
    const migrated = (migrations.results ?? []).map((r) => r.migrationName);
    return { task, migrated, partitions: await ensureEventPartitions(deps.sql, now) };
  };
}

export const handler = lazyHandler(async () => {
  const { awsDependencies } = await import('../composition/aws-dependencies');
  const { createOrganizationKeyring } = await import('../identity/crypto/organization-keys');
  const { ENV, requireEnv } = await import('../core/config');
  const deps = await awsDependencies();
  return makeMaintainHandler({
    sql: deps.sql,
    lake: deps.lake,
    analytics: deps.analytics,
    analyticsDatabase: requireEnv(ENV.glueDatabase),
    keyring: createOrganizationKeyring(deps.sql, deps.keyWrapper),
    now: deps.now,
  });
});
