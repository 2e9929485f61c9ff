import type { DateRange } from './date-range';
import type { LakeReader } from './lake-reader';
import { type SessionMeasures, summary } from './summary';

export interface OverviewTotals {
  readonly visitors: number;
  readonly sessions: number;
  readonly pageviews: number;
  /** Share of sessions that bounced (0–1); null without sessions. */
  readonly bounceRate: number | null;
  /** Mean session duration; null without sessions. */
  readonly avgDurationSeconds: number | null;
  readonly conversions: number;
}

export interface Overview {
  readonly range: DateRange;
  readonly previousRange: DateRange;
  readonly current: OverviewTotals;
  readonly previous: OverviewTotals;
}

/**
 * The overview's headline numbers for a range and the period of the same length before it.
 * Sessions belong to the period they started in.
 *
 * @example
 * const { current, previous } = await overview(lake, siteId, { from: '2026-03-08', to: '2026-03-14' });
 */
export async function overview(lake: LakeReader, siteId: string, range: DateRange): Promise<Overview> {
  const s = await summary(lake, siteId, range);
  const sessionsOf = (inPeriod: (day: string) => boolean) =>
    sessionTotals([...s.sessionDays].filter(([day]) => inPeriod(day)).map(([, measures]) => measures));
  return {
    range,
    previousRange: s.previousRange,
    current: { ...s.periods.current, ...sessionsOf((day) => day >= range.from) },
    previous: { ...s.periods.previous, ...sessionsOf((day) => day < range.from) },
  };
}

/** Adds up sessions of days: counts add, the bounce rate and mean duration are over all sessions. */
export function sessionTotals(
  days: readonly SessionMeasures[],
): Pick<OverviewTotals, 'sessions' | 'bounceRate' | 'avgDurationSeconds'> {
  const sessions = days.reduce((n, d) => n + d.sessions, 0);
  const bounces = days.reduce((n, d) => n + d.bounces, 0);
  const durationMs = days.reduce((n, d) => n + d.durationMs, 0);
  return {
    sessions,
    bounceRate: sessions > 0 ? round(bounces / sessions, 4) : null,
    avgDurationSeconds: sessions > 0 ? round(durationMs / sessions / 1000, 1) : null,
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
