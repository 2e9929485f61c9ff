import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotFoundError } from '../core/errors';
import type { NamedQuery, NamedQueryParameter } from '../lake/named-queries';

const parameter = {
  site_id: { name: 'site_id', type: 'string', description: 'the site' },
  from_date: { name: 'from_date', type: 'date', description: 'first UTC day of conversions (and clicks), YYYY-MM-DD' },
  to_date: { name: 'to_date', type: 'date', description: 'last UTC day, YYYY-MM-DD (inclusive)' },
  lookback_days: {
    name: 'lookback_days',
    type: 'integer',
    description: 'visits up to this many days before a conversion are its touchpoints (default 30)',
  },
  half_life_days: {
    name: 'half_life_days',
    type: 'integer',
    description: 'time decay: a touch this many days older earns half the weight (default 7)',
  },
} as const satisfies Record<string, NamedQueryParameter>;

/** The placeholders of the two model queries, in the order they appear in the SQL. */
const MODEL_PARAMETERS: readonly NamedQueryParameter[] = [
  parameter.site_id,
  parameter.from_date,
  parameter.from_date,
  parameter.to_date,
  parameter.site_id,
  parameter.from_date,
  parameter.lookback_days,
  parameter.to_date,
  parameter.lookback_days,
  parameter.half_life_days,
];

/** The description names the `?` parameters too: the Athena console asks for them by position only. */
const query = (name: string, answers: string, parameters: readonly NamedQueryParameter[]): NamedQuery => ({
  name,
  description: `${answers}. Parameters (?), in order: ${parameters.map((p) => p.name).join(', ')}.`,
  file: `${name}.sql`,
  parameters,
});

/**
 * The attribution named queries in `athena/attribution/`, in the shape of the lake's named-query
 * registry (`lambdas/lake/named-queries.ts`): one `.sql` file each, `{{database}}` for the Glue
 * database (`main` on the local DuckDB lake), one parameter per `?` in placeholder order. CDK creates
 * one Athena named query per entry; the API runs them through `runAttributionQuery`.
 */
export const attributionQueries: readonly NamedQuery[] = [
  query(
    'attribution-by-channel',
    'Conversions and revenue per channel and campaign under first-touch, last-touch, linear, time-decay and position-based (40/20/40) attribution, side by side',
    MODEL_PARAMETERS,
  ),
  query(
    'conversion-credits',
    "Every conversion's touchpoints and the credit each earns under each attribution model",
    MODEL_PARAMETERS,
  ),
  query(
    'affiliate-stats',
    'Tracked-link clicks, cookie drops, conversions, revenue, payout and EPC by affiliate, offer and sub id',
    [
      parameter.site_id,
      parameter.from_date,
      parameter.to_date,
      parameter.site_id,
      parameter.from_date,
      parameter.from_date,
      parameter.to_date,
    ],
  ),
  query(
    'mobile-installs',
    'Installs, in-app events and in-app revenue by mobile measurement partner, media source and campaign',
    [parameter.site_id, parameter.from_date, parameter.from_date, parameter.to_date],
  ),
];

export type AttributionQueryName =
  | 'attribution-by-channel'
  | 'conversion-credits'
  | 'affiliate-stats'
  | 'mobile-installs';

/**
 * The registry entry of an attribution query.
 *
 * @example
 * attributionQuery('affiliate-stats').file; // 'affiliate-stats.sql'
 */
export function attributionQuery(name: string): NamedQuery {
  const found = attributionQueries.find((q) => q.name === name);
  if (!found) {
    throw new NotFoundError(`no attribution query ${name}; known: ${attributionQueries.map((q) => q.name).join(', ')}`);
  }
  return found;
}

/**
 * The folder of the `.sql` files, `athena/attribution/`. A function, so that importing the registry
 * works in a Lambda bundled as ESM (no `__dirname`, and no such folder unless the bundle copies it).
 *
 * @example
 * readdirSync(attributionQueriesDir());
 */
export function attributionQueriesDir(): string {
  if (typeof __dirname !== 'string') throw new NotFoundError('athena/attribution is not shipped in this bundle');
  return resolve(__dirname, '../../athena/attribution');
}

/**
 * The SQL text of an attribution query, as written (placeholders unrendered).
 *
 * @example
 * const sql = renderNamedQuery(loadAttributionQuery('mobile-installs'), { database: 'sightline' });
 */
export function loadAttributionQuery(name: string, dir: string = attributionQueriesDir()): string {
  return readFileSync(join(dir, attributionQuery(name).file), 'utf8');
}
