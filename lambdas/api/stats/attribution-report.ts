import { runAttributionQuery } from '../../attribution/run-attribution-query';
import type { Analytics } from '../../ports/analytics';
import { MAX_REPORT_ROWS } from './lake-reader';

/** The five models of `athena/attribution/attribution-by-channel.sql`, in the order the dashboard shows them. */
export const ATTRIBUTION_MODELS = ['firstTouch', 'lastTouch', 'linear', 'timeDecay', 'positionBased'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

const COLUMN: Readonly<Record<AttributionModel, string>> = {
  firstTouch: 'first_touch',
  lastTouch: 'last_touch',
  linear: 'linear',
  timeDecay: 'time_decay',
  positionBased: 'position_based',
};

export type AttributionGroup = 'channel' | 'campaign';

/** Conversions (or revenue) credited to a row under each model. */
export type ModelCredits = Record<AttributionModel, number>;

export interface AttributionRow {
  readonly channel: string;
  /** Only when grouped by campaign: the same UTM campaign under two channels is two rows. */
  readonly campaign?: string;
  /** Revenue is never added across currencies; `null` for conversions without an amount. */
  readonly currency: string | null;
  readonly conversions: ModelCredits;
  readonly revenue: ModelCredits;
}

export interface AttributionQuestion {
  readonly siteId: string;
  readonly from: string;
  readonly to: string;
  readonly groupBy: AttributionGroup;
  readonly lookbackDays: number;
  readonly halfLifeDays: number;
}

const zero = (): ModelCredits => ({ firstTouch: 0, lastTouch: 0, linear: 0, timeDecay: 0, positionBased: 0 });
const round = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * The five attribution models side by side, per channel or per channel and campaign (and currency),
 * ranked by last-touch conversions. The query groups by channel, campaign and currency; grouping by
 * channel adds its campaigns up here.
 *
 * @example
 * const { rows } = await attributionReport(analytics, { siteId, from: '2026-03-01', to: '2026-03-31',
 *   groupBy: 'channel', lookbackDays: 30, halfLifeDays: 7 }, { database: 'sightline' });
 */
export async function attributionReport(
  analytics: Analytics,
  question: AttributionQuestion,
  options: { readonly database: string; readonly dir?: string },
): Promise<{ rows: AttributionRow[] }> {
  const { groupBy, ...request } = question;
  const result = await runAttributionQuery(analytics, 'attribution-by-channel', request, {
    database: options.database,
    maxRows: MAX_REPORT_ROWS,
    ...(options.dir === undefined ? {} : { dir: options.dir }),
  });
  const grouped = new Map<string, AttributionRow>();
  for (const row of result.rows) {
    const channel = String(row.channel);
    const campaign = String(row.campaign);
    const currency = row.currency === null || row.currency === undefined ? null : String(row.currency);
    const key = JSON.stringify([channel, groupBy === 'campaign' ? campaign : null, currency]);
    let target = grouped.get(key);
    if (!target) {
      target = {
        channel,
        ...(groupBy === 'campaign' ? { campaign } : {}),
        currency,
        conversions: zero(),
        revenue: zero(),
      };
      grouped.set(key, target);
    }
    for (const model of ATTRIBUTION_MODELS) {
      target.conversions[model] += Number(row[COLUMN[model]] ?? 0);
      target.revenue[model] += Number(row[`${COLUMN[model]}_revenue`] ?? 0);
    }
  }
  const rows = [...grouped.values()].map((r) => ({
    ...r,
    conversions: roundAll(r.conversions),
    revenue: roundAll(r.revenue),
  }));
  rows.sort(
    (a, b) =>
      b.conversions.lastTouch - a.conversions.lastTouch ||
      a.channel.localeCompare(b.channel) ||
      (a.campaign ?? '').localeCompare(b.campaign ?? '') ||
      (a.currency ?? '').localeCompare(b.currency ?? ''),
  );
  return { rows };
}

function roundAll(credits: ModelCredits): ModelCredits {
  return Object.fromEntries(ATTRIBUTION_MODELS.map((m) => [m, round(credits[m])])) as ModelCredits;
}
