import { bindNamedQueryParameters, loadNamedQuery, namedQuery, renderNamedQuery } from '../../lake/named-queries';
import type { Analytics, AnalyticsParam } from '../../ports/analytics';

export type LakeRow = Readonly<Record<string, unknown>>;

/** One page of a ranked list: rows `offset`…`offset + limit - 1` in `orderBy` order. */
export interface PageRequest {
  readonly limit: number;
  readonly offset: number;
  /** A fixed ORDER BY list from the report's definition, never from the request. */
  readonly orderBy: string;
}

export interface Page<T> {
  readonly rows: readonly T[];
  readonly limit: number;
  readonly offset: number;
  readonly hasMore: boolean;
}

export interface LakeReader {
  /** Runs a named query of `athena/queries/`, bound by parameter name; paged when `page` is given. */
  named(name: string, values: Readonly<Record<string, AnalyticsParam>>, page?: PageRequest): Promise<LakeRow[]>;
  /** Runs SQL written for both engines (`{{database}}` placeholder, `?` parameters). */
  sql(text: string, params: readonly AnalyticsParam[], page?: PageRequest): Promise<LakeRow[]>;
  /** The SQL text of a named query as written (for the few reports that reuse part of one). */
  namedText(name: string): string;
}

/** Rows beyond this are never read back from a report, paged or not. */
export const MAX_REPORT_ROWS = 2_000;

/**
 * An answer is reused this long: the dashboard asks the same question from several panels at once
 * (Overview's totals and trend share one query) and again on every visit, and in AWS each Athena
 * query costs money and seconds. Events arrive about as often (the enrich batching window locally,
 * Firehose's buffer in AWS), so the dashboard stays as fresh as the lake.
 */
export const REPORT_CACHE_MS = 10_000;

/** The answers kept at most; the oldest go first. */
const CACHE_ENTRIES = 500;

/**
 * Runs `load` once per key: concurrent callers share the query in flight, later ones its answer
 * for `ttlMs`. A failed query is not kept.
 */
function memoize(ttlMs: number, now: () => number) {
  const entries = new Map<string, { at: number; settled: boolean; rows: Promise<LakeRow[]> }>();
  return (key: string, load: () => Promise<LakeRow[]>): Promise<LakeRow[]> => {
    const hit = entries.get(key);
    if (hit && (!hit.settled || now() - hit.at < ttlMs)) return hit.rows;
    const entry = { at: now(), settled: false, rows: load() };
    entry.rows.then(
      () => {
        entry.settled = true;
        entry.at = now();
      },
      () => entries.delete(key),
    );
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > CACHE_ENTRIES) entries.delete(entries.keys().next().value as string);
    return entry.rows;
  };
}

/**
 * Reports over the event lake through the `Analytics` port (Athena in AWS, DuckDB locally): the
 * named queries' files are read once; a paged report wraps the query and re-states its order, so a
 * page is the same on either engine, and reads one row more than asked to tell whether more follow.
 *
 * @example
 * const lake = createLakeReader({ analytics, database: LOCAL_DATABASE });
 * const rows = await lake.named('top-pages', { site_id, from_date, to_date }, { limit: 25, offset: 0, orderBy: 'pageviews DESC, path' });
 */
export function createLakeReader(options: {
  readonly analytics: Analytics;
  readonly database: string;
  /** Where the named queries' files are; a bundled Lambda carries a copy. */
  readonly namedQueriesDir?: string;
  /** How long an answer is reused for the same query and parameters. @default REPORT_CACHE_MS */
  readonly cacheMs?: number;
  readonly now?: () => number;
}): LakeReader {
  const cached = memoize(options.cacheMs ?? REPORT_CACHE_MS, options.now ?? Date.now);
  const texts = new Map<string, string>();
  const namedText = (name: string): string => {
    let text = texts.get(name);
    if (text === undefined) {
      text = loadNamedQuery(name, ...(options.namedQueriesDir ? [options.namedQueriesDir] : []));
      texts.set(name, text);
    }
    return text;
  };
  const run = async (text: string, params: readonly AnalyticsParam[], page?: PageRequest): Promise<LakeRow[]> => {
    const rendered = renderNamedQuery(text, { database: options.database });
    const sql = page ? pagedSql(rendered, page) : rendered;
    const maxRows = page ? page.limit + 1 : MAX_REPORT_ROWS;
    return cached(`${sql}\u0000${JSON.stringify(params)}\u0000${maxRows}`, async () => {
      const { rows } = await options.analytics.query(sql, { params, maxRows });
      return [...rows];
    });
  };
  return {
    named: (name, values, page) => run(namedText(name), bindNamedQueryParameters(namedQuery(name), values), page),
    sql: run,
    namedText,
  };
}

/**
 * Wraps a query to read one page of it. The inner query may end in a comment line, hence the
 * newline before the parenthesis; Trino wants OFFSET before LIMIT, which DuckDB also accepts.
 */
export function pagedSql(sql: string, page: PageRequest): string {
  if (!Number.isSafeInteger(page.limit) || !Number.isSafeInteger(page.offset) || page.limit < 1 || page.offset < 0) {
    throw new RangeError('limit and offset must be non-negative integers');
  }
  return `SELECT * FROM (\n${sql}\n) paged\nORDER BY ${page.orderBy}\nOFFSET ${page.offset} LIMIT ${page.limit + 1}`;
}

/**
 * A page from rows read with one extra.
 *
 * @example
 * toPage(rows, { limit: 25, offset: 0, orderBy: 'x' }, mapRow); // { rows: [...25], hasMore: rows.length > 25 }
 */
export function toPage<T>(rows: readonly LakeRow[], page: PageRequest, map: (row: LakeRow) => T): Page<T> {
  return {
    rows: rows.slice(0, page.limit).map(map),
    limit: page.limit,
    offset: page.offset,
    hasMore: rows.length > page.limit,
  };
}
