import { VISITOR } from '../../lake/session-days-sql';
import type { DateRange } from './date-range';
import type { LakeReader, LakeRow, Page } from './lake-reader';
import { numberOf, stringOf } from './lake-values';
import { ENTRY_EXIT_REPORT, LANDING_REPORTS, type SessionReport, sessionReportSql } from './session-rollup';

/** A column of a breakdown table: a dimension (text) or a metric (number). */
export interface BreakdownColumn {
  readonly key: string;
  readonly kind: 'dimension' | 'metric';
}

export interface Breakdown extends Page<Readonly<Record<string, string | number | null>>> {
  readonly report: string;
  readonly columns: readonly BreakdownColumn[];
}

interface ReportDefinition {
  /**
   * A named query of `athena/queries/`, SQL for both engines where no named query fits or is fast
   * enough, or a session report over session fragments (`session-rollup.ts`).
   */
  readonly source: { readonly named: string } | { readonly sql: string } | { readonly sessions: SessionReport };
  readonly dimensions: readonly string[];
  readonly metrics: readonly string[];
  readonly orderBy: string;
}

/** Visitors and page views by one or two event columns (bots excluded), for the reports no named query groups that way. */
const byColumns = (columns: readonly string[]) => `
SELECT
  ${columns.join(',\n  ')},
  count(DISTINCT ${VISITOR}) AS visitors,
  count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews
FROM {{database}}.events
WHERE site_id = ?
  AND dt BETWEEN ? AND ?
  AND is_bot = false
GROUP BY ${columns.map((_, i) => i + 1).join(', ')}`;

const sessionMetrics = ['sessions', 'visitors', 'pageviews', 'conversions'];
const placeMetrics = ['visitors', 'pageviews'];

/**
 * Every breakdown the dashboard shows, by view and kind. Session reports (entry and exit pages,
 * landing attribution) use `session-rollup.ts`, the named queries' sessions built from the daily
 * session rollup; the others reuse the named queries where one groups as the report does.
 */
export const REPORTS = {
  pages: {
    top: {
      source: { named: 'top-pages' },
      dimensions: ['path'],
      metrics: ['pageviews', 'visitors'],
      orderBy: 'pageviews DESC, path',
    },
    entry: {
      source: { sessions: ENTRY_EXIT_REPORT },
      dimensions: ['path'],
      metrics: ['entries', 'pageviews', 'exits', 'exit_rate'],
      orderBy: 'entries DESC, exits DESC, path',
    },
    exit: {
      source: { sessions: ENTRY_EXIT_REPORT },
      dimensions: ['path'],
      metrics: ['exits', 'pageviews', 'exit_rate', 'entries'],
      orderBy: 'exits DESC, entries DESC, path',
    },
  },
  sources: {
    channels: {
      source: { sessions: LANDING_REPORTS.channels },
      dimensions: ['channel'],
      metrics: sessionMetrics,
      orderBy: 'sessions DESC, channel',
    },
    referrers: {
      source: { sessions: LANDING_REPORTS.referrers },
      dimensions: ['referrer_host', 'referrer_type'],
      metrics: sessionMetrics,
      orderBy: 'sessions DESC, referrer_host, referrer_type',
    },
    campaigns: {
      source: { sessions: LANDING_REPORTS['utm-campaigns'] },
      dimensions: ['utm_campaign', 'utm_source', 'utm_medium'],
      metrics: sessionMetrics,
      orderBy: 'sessions DESC, utm_campaign, utm_source, utm_medium',
    },
    'click-ids': {
      source: { sessions: LANDING_REPORTS['click-id-networks'] },
      dimensions: ['ad_network', 'click_id_type'],
      metrics: ['sessions', 'click_ids', 'visitors', 'pageviews', 'conversions'],
      orderBy: 'sessions DESC, ad_network, click_id_type',
    },
  },
  geo: {
    country: {
      source: { sql: byColumns(['country']) },
      dimensions: ['country'],
      metrics: placeMetrics,
      orderBy: 'visitors DESC, pageviews DESC, country',
    },
    region: {
      source: { sql: byColumns(['country', 'region']) },
      dimensions: ['country', 'region'],
      metrics: placeMetrics,
      orderBy: 'visitors DESC, pageviews DESC, country, region',
    },
    city: {
      source: { named: 'geography' },
      dimensions: ['country', 'region', 'city'],
      metrics: placeMetrics,
      orderBy: 'visitors DESC, pageviews DESC, country, region, city',
    },
  },
  devices: {
    device: {
      source: { sql: byColumns(['device_type']) },
      dimensions: ['device_type'],
      metrics: placeMetrics,
      orderBy: 'visitors DESC, pageviews DESC, device_type',
    },
    browser: {
      source: { sql: byColumns(['browser']) },
      dimensions: ['browser'],
      metrics: placeMetrics,
      orderBy: 'visitors DESC, pageviews DESC, browser',
    },
    os: {
      source: { sql: byColumns(['os']) },
      dimensions: ['os'],
      metrics: placeMetrics,
      orderBy: 'visitors DESC, pageviews DESC, os',
    },
  },
} as const satisfies Record<string, Record<string, ReportDefinition>>;

export type ReportGroup = keyof typeof REPORTS;

/** The kinds of one group, for its route's `kind` parameter. */
export function reportKinds<G extends ReportGroup>(
  group: G,
): [keyof (typeof REPORTS)[G] & string, ...(keyof (typeof REPORTS)[G] & string)[]] {
  return Object.keys(REPORTS[group]) as [keyof (typeof REPORTS)[G] & string, ...(keyof (typeof REPORTS)[G] & string)[]];
}

/**
 * One page of a breakdown (top pages, channels, countries, browsers, ...) of a site over a range,
 * aggregated where the events live and ordered by the report's own ranking.
 *
 * @example
 * const page = await breakdown(lake, 'sources', 'channels', siteId, range, { limit: 25, offset: 0 });
 * page.rows[0]; // { channel: 'Organic Search', sessions: 120, visitors: 98, pageviews: 310, conversions: 4 }
 */
export async function breakdown(
  lake: LakeReader,
  group: ReportGroup,
  kind: string,
  siteId: string,
  range: DateRange,
  page: { readonly limit: number; readonly offset: number },
): Promise<Breakdown> {
  const reports: Readonly<Record<string, ReportDefinition>> = REPORTS[group];
  const report = reports[kind];
  if (!report) throw new RangeError(`no ${group} report ${kind}`);
  const request = { ...page, orderBy: report.orderBy };
  const { source } = report;
  let rows: LakeRow[];
  if ('named' in source) {
    rows = await lake.named(source.named, { site_id: siteId, from_date: range.from, to_date: range.to }, request);
  } else if ('sql' in source) {
    rows = await lake.sql(source.sql, [siteId, range.from, range.to], request);
  } else {
    const { text, params } = await sessionReportSql(lake, source.sessions, siteId, range);
    rows = await lake.sql(text, params, request);
  }
  return {
    report: `${group}/${kind}`,
    columns: [
      ...report.dimensions.map((key) => ({ key: camel(key), kind: 'dimension' as const })),
      ...report.metrics.map((key) => ({ key: camel(key), kind: 'metric' as const })),
    ],
    rows: rows.slice(0, page.limit).map((row) => shape(row, report)),
    limit: page.limit,
    offset: page.offset,
    hasMore: rows.length > page.limit,
  };
}

function shape(row: LakeRow, report: ReportDefinition): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const key of report.dimensions) out[camel(key)] = stringOf(row[key]);
  for (const key of report.metrics) out[camel(key)] = numberOf(row[key]);
  return out;
}

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
