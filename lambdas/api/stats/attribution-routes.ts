import { z } from 'zod';
import { attributionQueriesDir } from '../../attribution/attribution-queries';
import type { ApiDeps } from '../api-deps';
import { type ApiRoute, defineRoute } from '../http/api-route';
import { siteParams } from '../http/common-schemas';
import { assertSiteAccess } from '../sites/site-access';
import { ATTRIBUTION_MODELS, attributionReport } from './attribution-report';
import { dateRangeShape, dayMs } from './date-range';

/** What `runAttributionQuery` accepts: a shorter span than the other reports' 400 days. */
const MAX_ATTRIBUTION_DAYS = 367;

const days = (description: string, fallback: number) =>
  z.coerce.number().int().min(1).max(365).default(fallback).describe(description);

const attributionQuery = z
  .object({
    ...dateRangeShape,
    groupBy: z
      .enum(['channel', 'campaign'])
      .default('channel')
      .describe('one row per channel, or per channel and campaign'),
    lookbackDays: days('visits up to this many days before a conversion are its touchpoints', 30),
    halfLifeDays: days('time decay: a touch this many days older earns half the weight', 7),
  })
  .superRefine((value, ctx) => {
    const span = (dayMs(value.to) - dayMs(value.from)) / 86_400_000 + 1;
    if (span < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (span > MAX_ATTRIBUTION_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `a range spans at most ${MAX_ATTRIBUTION_DAYS} days` });
    }
  });

const credits = z.object(Object.fromEntries(ATTRIBUTION_MODELS.map((m) => [m, z.number()])));

/** Multi-touch attribution over the lake, for a site of the caller's organization. */
export function attributionRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/sites/{siteId}/attribution',
      access: 'viewer',
      tag: 'Attribution',
      summary: 'Conversions and revenue per channel or campaign under five attribution models, side by side',
      description:
        'First touch, last touch, linear, time decay (half-life `halfLifeDays`) and position-based (40/20/40) ' +
        'credit for conversions in the range, over the visits in the `lookbackDays` before each. Each model ' +
        'hands out one conversion per conversion; revenue is per currency.',
      params: siteParams,
      query: attributionQuery,
      response: {
        description: 'Rows ranked by last-touch conversions',
        schema: z.object({
          rows: z.array(
            z.object({
              channel: z.string(),
              campaign: z.string().optional(),
              currency: z.string().nullable(),
              conversions: credits,
              revenue: credits,
            }),
          ),
        }),
      },
      async handle({ principal, params, query }) {
        await assertSiteAccess(deps.sql, principal, params.siteId);
        return {
          body: await attributionReport(
            deps.analytics,
            { siteId: params.siteId, ...query },
            { database: deps.analyticsDatabase, dir: deps.attributionQueriesDir ?? attributionQueriesDir() },
          ),
        };
      },
    }),
  ];
}
