import type { DateRange } from './date-range';
import type { LakeReader, LakeRow, Page } from './lake-reader';
import { numberOf, stringOf } from './lake-values';

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
  /** A named query of `athena/queries/`, or SQL built here when no named query fits. */
  readonly source: { readonly named: string } | { readonly sql: (lake: LakeReader) => string };
  readonly dimensions: readonly string[];
  readonly metrics: readonly string[];
  readonly orderBy: string;
}

const VISITOR = `coalesce(anonymous_id, ip || '|' || user_agent)`;

/** Visitors and page views by one or two event columns (bots excluded), for the reports no named query groups that way. */
const byColumns = (columns: readonly string[]) => () =>
  `
SELECT
  ${columns.join(',\n  ')},
  count(DISTINCT ${VISITOR}) AS visitors,
  count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews
FROM {{database}}.events
WHERE site_id = ?
  AND dt BETWEEN ? AND ?
  AND is_bot = false
GROUP BY ${columns.map((_, i) => i + 1).join(', ')}`;

/**
 * Entries and exits of every page, without the top-100 cut of `entry-and-exit-pages`, so exit
 * pages rank by exits. Sessions are the named query's own: its CTEs up to the end of the shared
 * sessionize block (marked, and kept identical across queries by `test/athena`) are reused as written.
 */
const exitPages = (lake: LakeReader): string => {
  const text = lake.namedText('entry-and-exit-pages');
  const marker = text.indexOf('-- sessionize: end');
  if (marker < 0) throw new Error('entry-and-exit-pages.sql lost its "-- sessionize: end" marker');
  const head = text.slice(0, text.indexOf('\n', marker));
  return `${head}
pageviews AS (
  SELECT
    path,
    row_number() OVER (PARTITION BY session_key ORDER BY event_time, event_id) AS from_start,
    row_number() OVER (PARTITION BY session_key ORDER BY event_time DESC, event_id DESC) AS from_end
  FROM sessionized
  WHERE session_key IS NOT NULL
    AND event_type IN ('page', 'screen')
)
SELECT
  path,
  count(*) AS pageviews,
  count(CASE WHEN from_start = 1 THEN 1 END) AS entries,
  count(CASE WHEN from_end = 1 THEN 1 END) AS exits,
  round(CAST(count(CASE WHEN from_end = 1 THEN 1 END) AS double) / count(*), 4) AS exit_rate
FROM pageviews
GROUP BY path`;
};

const sessionMetrics = ['sessions', 'visitors', 'pageviews', 'conversions'];

/** Every breakdown the dashboard shows, by view and kind. */
export const REPORTS = {
  pages: {
    top: {
      source: { named: 'top-pages' },
      dimensions: ['path'],
      metrics: ['pageviews', 'visitors'],
      orderBy: 'pageviews DESC, path',
    },
    entry: {
      source: { named: 'entry-and-exit-pages' },
      dimensions: ['path'],
      metrics: ['entries', 'pageviews', 'exits', 'exit_rate'],
      orderBy: 'entries DESC, exits DESC, path',
    },
    exit: {
      source: { sql: exitPages },
      dimensions: ['path'],
      metrics: ['exits', 'pageviews', 'exit_rate', 'entries'],
      orderBy: 'exits DESC, entries DESC, path',
    },
  },
  sources: {
    channels: {
      source: { named: 'channels' },
      dimensions: ['channel'],
      metrics: sessionMetrics,
      orderBy: 'sessions DESC, channel',
    },
    referrers: {
      source: { named: 'referrers' },
      dimensions: ['referrer_host', 'referrer_type'],
      metrics: sessionMetrics,
      orderBy: 'sessions DESC, referrer_host, referrer_type',
    },
    campaigns: {
      source: { named: 'utm-campaigns' },
      dimensions: ['utm_campaign', 'utm_source', 'utm_medium'],
      metrics: sessionMetrics,
      orderBy: 'sessions DESC, utm_campaign, utm_source, utm_medium',
    },
    'click-ids': {
      source: { named: 'click-id-networks' },
      dimensions: ['ad_network', 'click_id_type'],
      metrics: ['sessions', 'click_ids', 'visitors', 'pageviews', 'conversions'],
      orderBy: 'sessions DESC, ad_network, click_id_type',
    },
  },
  geo: {
    country: {
      source: { sql: byColumns(['country']) },
      dimensions: ['country'],
      metrics: ['visitors', 'pageviews'],
      orderBy: 'visitors DESC, pageviews DESC, country',
    },
    region: {
      source: { sql: byColumns(['country', 'region']) },
      dimensions: ['country', 'region'],
      metrics: ['visitors', 'pageviews'],
      orderBy: 'visitors DESC, pageviews DESC, country, region',
    },
    city: {
      source: { named: 'geography' },
      dimensions: ['country', 'region', 'city'],
      metrics: ['visitors', 'pageviews'],
      orderBy: 'visitors DESC, pageviews DESC, country, region, city',
    },
  },
  devices: {
    device: {
      source: { sql: byColumns(['device_type']) },
      dimensions: ['device_type'],
      metrics: ['visitors', 'pageviews'],
      orderBy: 'visitors DESC, pageviews DESC, device_type',
    },
    browser: {
      source: { sql: byColumns(['browser']) },
      dimensions: ['browser'],
      metrics: ['visitors', 'pageviews'],
      orderBy: 'visitors DESC, pageviews DESC, browser',
    },
    os: {
      source: { sql: byColumns(['os']) },
      dimensions: ['os'],
      metrics: ['visitors', 'pageviews'],
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
  const rows =
    'named' in report.source
      ? await lake.named(report.source.named, { site_id: siteId, from_date: range.from, to_date: range.to }, request)
      : await lake.sql(report.source.sql(lake), [siteId, range.from, range.to], request);
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
