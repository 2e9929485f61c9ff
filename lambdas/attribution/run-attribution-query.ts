import { z } from 'zod';
import { issuePath } from '../collection/bounds';
import { ValidationError } from '../core/errors';
import { bindNamedQueryParameters, renderNamedQuery } from '../lake/named-queries';
import type { Analytics, AnalyticsParam, AnalyticsResult } from '../ports/analytics';
import {
  type AttributionQueryName,
  attributionQueriesDir,
  attributionQuery,
  loadAttributionQuery,
} from './attribution-queries';

const DAY_MS = 86_400_000;

/** What the API (or a data team's script) asks of an attribution query, bounded field by field. */
export const attributionRequestSchema = z
  .object({
    siteId: z.uuid(),
    from: z.iso.date(),
    to: z.iso.date(),
    lookbackDays: z.number().int().min(1).max(365).default(30),
    halfLifeDays: z.number().int().min(1).max(365).default(7),
  })
  .refine((r) => r.to >= r.from, { message: 'must not be before from', path: ['to'] })
  .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= 366 * DAY_MS, {
    message: 'the range may span at most 366 days',
    path: ['to'],
  });

export type AttributionRequest = z.input<typeof attributionRequestSchema>;

export interface RunAttributionQueryOptions {
  /** What `{{database}}` renders as: the Glue database on Athena, `LOCAL_DATABASE` on DuckDB. */
  readonly database: string;
  readonly maxRows?: number;
  /** Folder of the `.sql` files. @default attributionQueriesDir() */
  readonly dir?: string;
}

/**
 * Runs an attribution query on the lake (Athena in AWS, DuckDB locally) with validated parameters:
 * a `ValidationError` (400) naming the field for one out of bounds.
 *
 * @example
 * const { rows } = await runAttributionQuery(analytics, 'attribution-by-channel',
 *   { siteId, from: '2026-03-01', to: '2026-03-31', lookbackDays: 30, halfLifeDays: 7 }, { database: LOCAL_DATABASE });
 */
export async function runAttributionQuery(
  analytics: Analytics,
  name: AttributionQueryName,
  request: AttributionRequest,
  options: RunAttributionQueryOptions,
): Promise<AnalyticsResult> {
  const parsed = attributionRequestSchema.safeParse(request);
  if (!parsed.success) {
    const { field, message } = issuePath('', parsed.error);
    throw new ValidationError(message, field);
  }
  const r = parsed.data;
  const query = attributionQuery(name);
  const values: Record<string, AnalyticsParam> = {
    site_id: r.siteId,
    from_date: r.from,
    to_date: r.to,
    lookback_days: r.lookbackDays,
    half_life_days: r.halfLifeDays,
  };
  const known = new Set(query.parameters.map((p) => p.name));
  const params = bindNamedQueryParameters(
    query,
    Object.fromEntries(Object.entries(values).filter(([k]) => known.has(k))),
  );
  const sql = renderNamedQuery(loadAttributionQuery(name, options.dir ?? attributionQueriesDir()), {
    database: options.database,
  });
  return analytics.query(sql, { params, ...(options.maxRows === undefined ? {} : { maxRows: options.maxRows }) });
}
