import { forgetOldErasures } from '../identity/erased-identifiers';
import { ensureEventPartitions } from '../identity/event-partitions';
import { PAGE_DAYS_ROLLUP, VISITOR_DAYS_ROLLUP } from '../lake/daily-rollups';
import { type RolledUpDay, rollUpDays } from '../lake/day-rollup';
import { type RolledDay, rollUpSessionDays } from '../lake/session-days';
import { enforceRetention, type RetentionDeps, type SiteRetention } from './enforce-retention';
import { eraseFromLake, type SiteLakeErasure } from './lake-erasure';
import type { ExpiredPartitions } from './lake-retention';
import { expireUnattributedFailures } from './unattributed-failures';

/** Retention's, which read the lake (`analytics`) as the rollups do. */
export type DailyMaintenanceDeps = RetentionDeps;

export interface DailyMaintenanceReport {
  /** Monthly partitions of the slim events table that exist ahead of time. */
  readonly partitions: readonly string[];
  readonly retention: readonly SiteRetention[];
  /** Erased persons' rows taken out of the lake, per site. */
  readonly lakeErasures: readonly SiteLakeErasure[];
  /** Erased identifiers' digests past the time anything from before their erasure can arrive. */
  readonly erasuresForgotten: number;
  /** Failed events that named no site we know, removed after a fixed period. */
  readonly unattributedFailures: ExpiredPartitions;
  /** Days whose session rollup (`session_days`) was written, per site. */
  readonly sessionDays: readonly { readonly siteId: string; readonly days: readonly RolledDay[] }[];
  /** Days whose visitor rollup (`visitor_days`) was written, per site. */
  readonly visitorDays: readonly { readonly siteId: string; readonly days: readonly RolledUpDay[] }[];
  /** Days whose page rollup (`page_days`) was written, per site. */
  readonly pageDays: readonly { readonly siteId: string; readonly days: readonly RolledUpDay[] }[];
}

/**
 * What runs once a day: slim-event partitions created months ahead, every site's retention, erased
 * persons' rows taken out of the lake (`eraseFromLake`), erasures' digests older than the queues can hold
 * anything (`forgetOldErasures`), failures that belong to no site (they have no retention setting of their own), then every
 * site's finished days rolled up into `session_days`, `visitor_days` and `page_days` (after
 * retention, so no expired day is rolled up again). The scheduler runs it in `npm start`, an EventBridge rule invokes the
 * `maintain` Lambda in AWS, and `sightline maintain` runs it now.
 */
export async function runDailyMaintenance(deps: DailyMaintenanceDeps, now: Date): Promise<DailyMaintenanceReport> {
  const partitions = await ensureEventPartitions(deps.sql, now);
  const retention = await enforceRetention(deps, now);
  const lakeErasures = await eraseFromLake(deps, now);
  const erasuresForgotten = await forgetOldErasures(deps.sql.db, now);
  const unattributedFailures = await expireUnattributedFailures(deps.lake, now);
  const today = now.toISOString().slice(0, 10);
  const sites = await deps.sql.db.selectFrom('sites').select('id').orderBy('id').execute();
  const rollup = { analytics: deps.analytics, database: deps.analyticsDatabase, lake: deps.lake };
  const sessionDays = [];
  const visitorDays = [];
  const pageDays = [];
  for (const site of sites) {
    sessionDays.push({ siteId: site.id, days: await rollUpSessionDays(rollup, site.id, today) });
    visitorDays.push({ siteId: site.id, days: await rollUpDays(rollup, site.id, today, VISITOR_DAYS_ROLLUP) });
    pageDays.push({ siteId: site.id, days: await rollUpDays(rollup, site.id, today, PAGE_DAYS_ROLLUP) });
  }
  return {
    partitions,
    retention,
    lakeErasures,
    erasuresForgotten,
    unattributedFailures,
    sessionDays,
    visitorDays,
    pageDays,
  };
}
