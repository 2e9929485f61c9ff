import { ensureEventPartitions } from '../identity/event-partitions';
import { enforceRetention, type RetentionDeps, type SiteRetention } from './enforce-retention';
import type { ExpiredPartitions } from './lake-retention';
import { expireUnattributedFailures } from './unattributed-failures';

export interface DailyMaintenanceReport {
  /** Monthly partitions of the slim events table that exist ahead of time. */
  readonly partitions: readonly string[];
  readonly retention: readonly SiteRetention[];
  /** Failed events that named no site we know, removed after a fixed period. */
  readonly unattributedFailures: ExpiredPartitions;
}

/**
 * What runs once a day: slim-event partitions created months ahead, then every site's retention,
 * then failures that belong to no site (they have no retention setting of their own).
 * The scheduler runs it in `npm start`, an EventBridge rule invokes the `maintain` Lambda in AWS, and
 * `sightline maintain` runs it now.
 */
export async function runDailyMaintenance(deps: RetentionDeps, now: Date): Promise<DailyMaintenanceReport> {
  const partitions = await ensureEventPartitions(deps.sql, now);
  const retention = await enforceRetention(deps, now);
  const unattributedFailures = await expireUnattributedFailures(deps.lake, now);
  return { partitions, retention, unattributedFailures };
}
