import { ensureEventPartitions } from '../identity/event-partitions';
import { enforceRetention, type RetentionDeps, type SiteRetention } from './enforce-retention';

export interface DailyMaintenanceReport {
  /** Monthly partitions of the slim events table that exist ahead of time. */
  readonly partitions: readonly string[];
  readonly retention: readonly SiteRetention[];
}

/**
 * What runs once a day: slim-event partitions created months ahead, then every site's retention.
 * The scheduler runs it in `npm start`, an EventBridge rule invokes the `maintain` Lambda in AWS, and
 * `sightline maintain` runs it now.
 */
export async function runDailyMaintenance(deps: RetentionDeps, now: Date): Promise<DailyMaintenanceReport> {
  const partitions = await ensureEventPartitions(deps.sql, now);
  const retention = await enforceRetention(deps, now);
  return { partitions, retention };
}
