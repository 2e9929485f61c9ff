import type { DateRange } from '../api/types';

export type Period = 'today' | '7d' | '30d' | '90d' | '12m' | 'custom';

export const PERIODS: readonly { readonly value: Period; readonly label: string }[] = [
  { value: 'today', label: 'Today' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: '12m', label: 'Last 12 months' },
  { value: 'custom', label: 'Custom range' },
];

const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The UTC days a preset covers, ending today (as the API's days are UTC). */
export function presetRange(period: Exclude<Period, 'custom'>, now = Date.now()): DateRange {
  const days = { today: 1, '7d': 7, '30d': 30, '90d': 90, '12m': 365 }[period];
  return { from: day(now - (days - 1) * DAY), to: day(now) };
}

export function isDay(value: string | null): value is string {
  return value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
}
