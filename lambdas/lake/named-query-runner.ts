import type { Analytics, AnalyticsParam, AnalyticsResult } from '../ports/analytics';
import {
  bindNamedQueryParameters,
  loadNamedQuery,
  namedQueriesDir,
  namedQuery,
  renderNamedQuery,
} from './named-queries';

export interface RunNamedQueryOptions {
  /** What `{{database}}` renders as: the Glue database on Athena, `LOCAL_DATABASE` on DuckDB. */
  readonly database: string;
  readonly maxRows?: number;
  /** Folder of the `.sql` files. @default namedQueriesDir() */
  readonly dir?: string;
}

/**
 * Runs a named query on either engine: loads its file, renders the database and binds the
 * parameters by name in placeholder order.
 *
 * @example
 * const analytics = await createDuckDbAnalytics({ lakeDir: '.sightline/lake' });
 * const { rows } = await runNamedQuery(analytics, 'daily-pageviews-and-visitors',
 *   { site_id: siteId, from_date: '2026-03-01', to_date: '2026-03-31' }, { database: LOCAL_DATABASE });
 */
export async function runNamedQuery(
  analytics: Analytics,
  name: string,
  values: Readonly<Record<string, AnalyticsParam | undefined>>,
  options: RunNamedQueryOptions,
): Promise<AnalyticsResult> {
  const params = bindNamedQueryParameters(namedQuery(name), values);
  const sql = renderNamedQuery(loadNamedQuery(name, options.dir ?? namedQueriesDir()), { database: options.database });
  return analytics.query(sql, { params, ...(options.maxRows === undefined ? {} : { maxRows: options.maxRows }) });
}
