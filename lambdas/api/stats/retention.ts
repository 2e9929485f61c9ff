import { type DateRange, mondayOf } from './date-range';
import type { LakeReader } from './lake-reader';
import { nullableNumber, numberOf, stringOf } from './lake-values';

export interface RetentionCohort {
  /** The Monday of the cohort's first week. */
  readonly week: string;
  readonly size: number;
  /** `weeks[n]`: share of the cohort active `n` weeks later (week 0 is 1). */
  readonly weeks: readonly {
    readonly weekNumber: number;
    readonly visitors: number;
    readonly retention: number | null;
  }[];
}

export interface Retention {
  /** The range as queried: its start moved back to a Monday, so the first cohort is a whole week. */
  readonly range: DateRange;
  readonly cohorts: readonly RetentionCohort[];
}

/**
 * Weekly cohorts by first-seen week and the share of each active again N weeks later, from the
 * `retention-cohorts` named query.
 *
 * @example
 * const { cohorts } = await retention(lake, siteId, { from: '2026-01-05', to: '2026-03-29' });
 */
export async function retention(lake: LakeReader, siteId: string, range: DateRange): Promise<Retention> {
  const aligned = { from: mondayOf(range.from), to: range.to };
  const rows = await lake.named('retention-cohorts', { site_id: siteId, from_date: aligned.from, to_date: aligned.to });
  const cohorts = new Map<string, { week: string; size: number; weeks: RetentionCohort['weeks'][number][] }>();
  for (const row of rows) {
    const week = stringOf(row.cohort_week) ?? '';
    const cohort = cohorts.get(week) ?? { week, size: numberOf(row.cohort_size), weeks: [] };
    cohort.weeks.push({
      weekNumber: numberOf(row.week_number),
      visitors: numberOf(row.visitors),
      retention: nullableNumber(row.retention),
    });
    cohorts.set(week, cohort);
  }
  return { range: aligned, cohorts: [...cohorts.values()].sort((a, b) => a.week.localeCompare(b.week)) };
}
