import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotFoundError, ValidationError } from '../core/errors';
import type { AnalyticsParam } from '../ports/analytics';

/** How a parameter's value is checked before it is bound to its `?`. */
export type NamedQueryParameterType = 'string' | 'date' | 'integer';

export interface NamedQueryParameter {
  readonly name: string;
  readonly type: NamedQueryParameterType;
  readonly description: string;
  /** NULL is a meaningful value (an unused funnel step); otherwise a value is required. */
  readonly nullable?: boolean;
}

export interface NamedQuery {
  /** The Athena named query's name; also the file's name without `.sql`. */
  readonly name: string;
  /** The Athena named query's description (at most 1,024 characters). */
  readonly description: string;
  /** File under `athena/queries/`. */
  readonly file: string;
  /** One per `?` placeholder, in the order they appear in the SQL. */
  readonly parameters: readonly NamedQueryParameter[];
}

/** What `{{database}}` renders as on the local lake: DuckDB's default schema, where the lake views live. */
export const LOCAL_DATABASE = 'main';

const siteAndRange: readonly NamedQueryParameter[] = [
  {
    name: 'site_id',
    type: 'string',
    description: 'the site (every query names one: site_id is an injected partition)',
  },
  { name: 'from_date', type: 'date', description: 'first UTC day, YYYY-MM-DD (inclusive)' },
  { name: 'to_date', type: 'date', description: 'last UTC day, YYYY-MM-DD (inclusive)' },
];

const step = (n: number): NamedQueryParameter => ({
  name: `step${n}`,
  type: 'string',
  description: `page path or event name of step ${n}${n > 1 ? '; NULL when the funnel has fewer steps' : ''}`,
  ...(n > 1 ? { nullable: true } : {}),
});

/** The description names the `?` parameters too: the Athena console asks for them by position only. */
const query = (name: string, answers: string, extra: readonly NamedQueryParameter[] = []): NamedQuery => {
  const parameters = [...siteAndRange, ...extra];
  return {
    name,
    description: `${answers}. Parameters (?), in order: ${parameters.map((p) => p.name).join(', ')}.`,
    file: `${name}.sql`,
    parameters,
  };
};

/**
 * Every named query in `athena/queries/`. CDK creates one Athena named query per entry; the
 * local CLI and tests run the same files on DuckDB.
 */
export const namedQueries: readonly NamedQuery[] = [
  query('daily-pageviews-and-visitors', 'Page views and unique visitors per UTC day'),
  query('sessions', 'Sessions per day: count, bounces, bounce rate, average duration, page views per session'),
  query('top-pages', 'The 100 most viewed page paths, with page views and visitors'),
  query('entry-and-exit-pages', 'Entries, exits and exit rate per page path (first and last page view of sessions)'),
  query('channels', 'Sessions, visitors, page views and conversions by landing channel'),
  query('referrers', 'Sessions, visitors, page views and conversions by landing referrer host and type'),
  query('utm-campaigns', 'Sessions, visitors, page views and conversions by landing UTM campaign, source and medium'),
  query('geography', 'Visitors and page views by country, region and city'),
  query('devices-and-browsers', 'Visitors and page views by device type, browser and operating system'),
  query('bot-share', 'Events, page views and visitors of human traffic and of bots by reason, with share of events'),
  query('click-id-networks', 'Sessions, click ids, visitors and conversions by ad network and click id type'),
  query('funnel', 'Visitors reaching each of up to four ordered steps within a window of the first step', [
    { name: 'window_seconds', type: 'integer', description: 'how long after step 1 the later steps may happen' },
    step(1),
    step(2),
    step(3),
    step(4),
  ]),
  query('retention-cohorts', 'Weekly cohorts by first-seen week: visitors active again N weeks later'),
];

/**
 * The registry entry of a named query.
 *
 * @example
 * namedQuery('funnel').parameters.map((p) => p.name); // ['site_id', 'from_date', ..., 'step4']
 */
export function namedQuery(name: string): NamedQuery {
  const found = namedQueries.find((q) => q.name === name);
  if (!found) throw new NotFoundError(`no named query ${name}; known: ${namedQueries.map((q) => q.name).join(', ')}`);
  return found;
}

/**
 * The folder of the queries' SQL files, `athena/queries/`: read at CDK synth, by the CLI and in
 * tests. A function, not a constant, so that merely importing the registry works in a Lambda
 * bundled as ESM, where there is no `__dirname` (and no such folder).
 */
export function namedQueriesDir(): string {
  if (typeof __dirname !== 'string') throw new NotFoundError('athena/queries is not shipped in this bundle');
  return resolve(__dirname, '../../athena/queries');
}

/**
 * The SQL text of a named query, as written (placeholders unrendered).
 *
 * @example
 * const sql = renderNamedQuery(loadNamedQuery('top-pages'), { database: 'sightline' });
 */
export function loadNamedQuery(name: string, dir: string = namedQueriesDir()): string {
  return readFileSync(join(dir, namedQuery(name).file), 'utf8');
}

/** Glue database names are lower-case letters, digits and underscores; DuckDB's is `main`. */
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

/**
 * Substitutes `{{database}}`. The name is checked rather than quoted: it comes from configuration,
 * and an unexpected one should fail loudly rather than produce a different query.
 *
 * @example
 * renderNamedQuery('SELECT 1 FROM {{database}}.events', { database: LOCAL_DATABASE }); // 'SELECT 1 FROM main.events'
 */
export function renderNamedQuery(sql: string, { database }: { database: string }): string {
  if (!DATABASE_NAME.test(database)) throw new ValidationError(`not a database name: ${database}`, 'database');
  const rendered = sql.replaceAll('{{database}}', database);
  const left = /\{\{\s*([^}]*)\}\}/.exec(rendered);
  if (left) throw new ValidationError(`unknown placeholder {{${left[1]}}}`, 'sql');
  return rendered;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The `?` values of a named query, in placeholder order, from values by parameter name. Throws a
 * ValidationError naming the parameter that is missing, unknown or of the wrong type.
 *
 * @example
 * bindNamedQueryParameters(namedQuery('top-pages'), { site_id: 's1', from_date: '2026-03-01', to_date: '2026-03-31' });
 * // ['s1', '2026-03-01', '2026-03-31']
 */
export function bindNamedQueryParameters(
  query: NamedQuery,
  values: Readonly<Record<string, AnalyticsParam | undefined>>,
): AnalyticsParam[] {
  const known = new Set(query.parameters.map((p) => p.name));
  for (const name of Object.keys(values)) {
    if (!known.has(name)) throw new ValidationError(`${query.name} has no parameter ${name}`, name);
  }
  return query.parameters.map((parameter) => checkParameter(parameter, values[parameter.name] ?? null));
}

function checkParameter(parameter: NamedQueryParameter, value: AnalyticsParam): AnalyticsParam {
  const { name, type } = parameter;
  if (value === null) {
    if (parameter.nullable) return null;
    throw new ValidationError(`${name} is required`, name);
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string' || value === '') throw new ValidationError(`${name} must be a string`, name);
      return value;
    case 'date':
      if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
        throw new ValidationError(`${name} must be a date YYYY-MM-DD`, name);
      }
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        throw new ValidationError(`${name} must be a non-negative integer`, name);
      }
      return value;
  }
}
