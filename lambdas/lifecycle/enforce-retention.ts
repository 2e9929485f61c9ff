import type { IdentityAccess } from '../identity/identity-access';
import { lakeTables } from '../lake/tables';
import type { ObjectStore } from '../ports/object-store';
import { deleteExpiredRows, type ExpiredRows } from './database-retention';
import type { LakeActivityDeps } from './lake-activity';
import { deleteExpiredPartitions, type ExpiredPartitions } from './lake-retention';

export interface RetentionDeps extends IdentityAccess, LakeActivityDeps {
  /** The event lake: S3 in AWS, the local lake directory in `npm start`. */
  readonly lake: ObjectStore;
}

export interface SiteRetention {
  readonly siteId: string;
  readonly retentionDays: number;
  /** Everything before this instant (a UTC midnight) is gone. */
  readonly cutoff: string;
  readonly lake: Readonly<Record<string, ExpiredPartitions>>;
  readonly database: ExpiredRows;
}

const DAY_MS = 86_400_000;

/** The UTC midnight `days` days before the day of `now`: that whole day and later are kept. */
export function retentionCutoff(now: Date, days: number): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - days * DAY_MS);
}

/**
 * Applies each site's retention setting (`retentionDays`; a site without one keeps everything):
 * removes the lake partitions of days before the cutoff (events and failed events) and what
 * PostgreSQL holds from before it, erasing persons with nothing left (neither in PostgreSQL nor in
 * the lake's events since the cutoff). Run daily by the scheduler
 * (`npm start`) and the `maintain` Lambda (AWS).
 *
 * @example
 * const report = await enforceRetention({ sql, keyring, lake, analytics, analyticsDatabase }, new Date());
 */
export async function enforceRetention(deps: RetentionDeps, now: Date): Promise<SiteRetention[]> {
  // Every organization's sites: read as the system role, then each applied as its organization.
  const sites = await deps.sql.db.selectFrom('sites').select(['id', 'organization_id', 'settings']).execute();
  const reports: SiteRetention[] = [];
  for (const site of sites) {
    const days = site.settings?.retentionDays;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1) continue;
    const cutoff = retentionCutoff(now, days);
    const cutoffDay = cutoff.toISOString().slice(0, 10);
    const lake: Record<string, ExpiredPartitions> = {};
    for (const table of lakeTables)
      lake[table.name] = await deleteExpiredPartitions(deps.lake, table, site.id, cutoffDay);
    const database = await deleteExpiredRows(deps, { organizationId: site.organization_id, siteId: site.id }, cutoff);
    reports.push({ siteId: site.id, retentionDays: days, cutoff: cutoff.toISOString(), lake, database });
  }
  return reports;
}
