import { z } from 'zod';

/** A span of UTC days, both ends included, as `YYYY-MM-DD`. */
export interface DateRange {
  readonly from: string;
  readonly to: string;
}

/** Reports cover at most this many days: a year and a bit, so "last 12 months" fits. */
export const MAX_RANGE_DAYS = 400;

const DAY_MS = 86_400_000;

export const isoDate = z
  .string()
  .max(10)
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && dayString(dayMs(value)) === value, {
    message: 'not a calendar date',
  });

/** `from` and `to` query parameters: UTC days, `to` not before `from`, at most `MAX_RANGE_DAYS`. */
export const dateRangeShape = { from: isoDate, to: isoDate };

/** The range checks that need both ends; apply with `.superRefine(checkRange)`. */
export function checkRange(value: { from: string; to: string }, ctx: z.RefinementCtx): void {
  const days = (dayMs(value.to) - dayMs(value.from)) / DAY_MS + 1;
  if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  else if (days > MAX_RANGE_DAYS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `a range spans at most ${MAX_RANGE_DAYS} days` });
  }
}

export function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function dayString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The period of the same length just before `range`, for "compared to the previous period".
 *
 * @example
 * previousRange({ from: '2026-03-08', to: '2026-03-14' }); // { from: '2026-03-01', to: '2026-03-07' }
 */
export function previousRange(range: DateRange): DateRange {
  const length = dayMs(range.to) - dayMs(range.from) + DAY_MS;
  return { from: dayString(dayMs(range.from) - length), to: dayString(dayMs(range.from) - DAY_MS) };
}

/**
 * Every day of a range, in order.
 *
 * @example
 * daysOf({ from: '2026-03-30', to: '2026-04-01' }); // ['2026-03-30', '2026-03-31', '2026-04-01']
 */
export function daysOf(range: DateRange): string[] {
  const days: string[] = [];
  for (let t = dayMs(range.from); t <= dayMs(range.to); t += DAY_MS) days.push(dayString(t));
  return days;
}

/** The Monday starting the ISO week of `day` (UTC). */
export function mondayOf(day: string): string {
  const t = dayMs(day);
  const weekday = (new Date(t).getUTCDay() + 6) % 7;
  return dayString(t - weekday * DAY_MS);
}
