import { UNKNOWN_SITE_ID } from '../collection/collected-event';
import { failedEventsTable } from '../lake/tables';
import type { ObjectStore } from '../ports/object-store';
import { retentionCutoff } from './enforce-retention';
import { deleteExpiredPartitions, type ExpiredPartitions } from './lake-retention';

/**
 * How long failed events that named no site we know are kept. They belong to no site, so no
 * site's `retentionDays` applies, and they hold whatever a stranger sent (IP, user agent, body):
 * long enough to diagnose a misconfigured snippet or key, not forever.
 */
export const UNATTRIBUTED_FAILURE_RETENTION_DAYS = 30;

/**
 * Deletes the `failed_events` partitions filed under the unknown site that are older than
 * `UNATTRIBUTED_FAILURE_RETENTION_DAYS`.
 *
 * @example
 * await expireUnattributedFailures(lake, new Date()); // { days: ['2026-10-01'], objects: 3 }
 */
export function expireUnattributedFailures(lake: ObjectStore, now: Date): Promise<ExpiredPartitions> {
  const cutoffDay = retentionCutoff(now, UNATTRIBUTED_FAILURE_RETENTION_DAYS).toISOString().slice(0, 10);
  return deleteExpiredPartitions(lake, failedEventsTable, UNKNOWN_SITE_ID, cutoffDay);
}
