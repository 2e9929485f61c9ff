import type { DateRange } from './date-range';
import type { LakeReader } from './lake-reader';
import { nullableNumber, numberOf, stringOf } from './lake-values';

export interface FunnelStep {
  readonly step: number;
  /** The page path or event name of the step. */
  readonly key: string | null;
  readonly visitors: number;
  /** Of the visitors who reached step 1 (0–1). */
  readonly conversionRate: number | null;
}

/**
 * Visitors through two to four ordered steps (page paths or event names), each within
 * `windowSeconds` of the first, from the `funnel` named query.
 *
 * @example
 * await funnel(lake, siteId, range, ['/pricing', 'signup'], 86_400);
 * // [{ step: 1, key: '/pricing', visitors: 120, conversionRate: 1 }, { step: 2, key: 'signup', visitors: 9, conversionRate: 0.075 }]
 */
export async function funnel(
  lake: LakeReader,
  siteId: string,
  range: DateRange,
  steps: readonly string[],
  windowSeconds: number,
): Promise<FunnelStep[]> {
  const rows = await lake.named('funnel', {
    site_id: siteId,
    from_date: range.from,
    to_date: range.to,
    window_seconds: windowSeconds,
    step1: steps[0] ?? null,
    step2: steps[1] ?? null,
    step3: steps[2] ?? null,
    step4: steps[3] ?? null,
  });
  return rows.map((row) => ({
    step: numberOf(row.step),
    key: stringOf(row.step_key),
    visitors: numberOf(row.visitors),
    conversionRate: nullableNumber(row.conversion_rate),
  }));
}
