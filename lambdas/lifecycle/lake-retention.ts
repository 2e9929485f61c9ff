import { ValidationError } from '../core/errors';
import type { LakeTable } from '../lake/tables';
import type { ObjectStore } from '../ports/object-store';

export interface ExpiredPartitions {
  /** The `dt` partitions removed, oldest first. */
  readonly days: readonly string[];
  readonly objects: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Deletes a site's partitions of a lake table whose day (`dt`) is before `cutoffDay`: every object
 * under `<prefix>site_id=<site>/dt=<day>/`. Keys list in order and days sort as text, so the
 * listing stops at the first partition that is kept.
 *
 * @example
 * await deleteExpiredPartitions(lake, eventsTable, siteId, '2026-01-01'); // { days: ['2025-12-30', '2025-12-31'], objects: 7 }
 */
export async function deleteExpiredPartitions(
  store: ObjectStore,
  table: LakeTable,
  siteId: string,
  cutoffDay: string,
): Promise<ExpiredPartitions> {
  if (!DAY.test(cutoffDay)) throw new ValidationError('cutoff day must be YYYY-MM-DD', 'cutoffDay');
  if (table.partitions[0]?.name !== 'site_id' || table.partitions[1]?.name !== 'dt')
    throw new ValidationError(`${table.name} is not partitioned by site_id and dt`, 'table');
  const sitePrefix = `${table.prefix}site_id=${siteId}/dt=`;
  const days: string[] = [];
  let objects = 0;
  for await (const object of store.list(sitePrefix)) {
    const day = object.key.slice(sitePrefix.length, sitePrefix.length + 10);
    if (!DAY.test(day)) continue;
    if (day >= cutoffDay) break;
    await store.delete(object.key);
    objects++;
    if (days.at(-1) !== day) days.push(day);
  }
  return { days, objects };
}
