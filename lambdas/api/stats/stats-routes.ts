import { z } from 'zod';
import type { ApiDeps } from '../api-deps';
import { type ApiRoute, defineRoute } from '../http/api-route';
import { pageSchema, pageShape, rangeQuery, siteParams } from '../http/common-schemas';
import { assertSiteAccess } from '../sites/site-access';
import { breakdown, type ReportGroup, reportKinds } from './breakdowns';
import { checkRange, dateRangeShape, dayMs } from './date-range';
import { funnel } from './funnel';
import type { LakeReader } from './lake-reader';
import { overview } from './overview';
import { realtime } from './realtime';
import { retention } from './retention';
import { timeseries } from './timeseries';

const totalsSchema = z.object({
  visitors: z.number(),
  sessions: z.number(),
  pageviews: z.number(),
  bounceRate: z.number().nullable(),
  avgDurationSeconds: z.number().nullable(),
  conversions: z.number(),
});
const rangeSchema = z.object({ from: z.string(), to: z.string() });

/** Hourly points only for short ranges: a week is 168 points. */
const MAX_HOURLY_DAYS = 7;

const timeseriesQuery = z
  .object({ ...dateRangeShape, interval: z.enum(['day', 'hour']).default('day') })
  .superRefine(checkRange)
  .superRefine((value, ctx) => {
    if (value.interval === 'hour' && dayMs(value.to) - dayMs(value.from) >= MAX_HOURLY_DAYS * 86_400_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['interval'],
        message: `hourly points cover at most ${MAX_HOURLY_DAYS} days`,
      });
    }
  });

const funnelQuery = z
  .object({
    ...dateRangeShape,
    steps: z
      .string()
      .max(4 * 201)
      .transform((s) => s.split(',').map((step) => step.trim()))
      .pipe(z.array(z.string().min(1).max(200)).min(2).max(4))
      .describe('2–4 comma-separated page paths or event names, in order'),
    windowSeconds: z.coerce
      .number()
      .int()
      .min(60)
      .max(90 * 86_400)
      .default(86_400)
      .describe('time allowed after step 1'),
  })
  .superRefine(checkRange);

const breakdownRoute = (lake: LakeReader, deps: ApiDeps, group: ReportGroup, tag: string, summary: string): ApiRoute =>
  defineRoute({
    method: 'GET',
    path: `/api/sites/{siteId}/stats/${group}`,
    access: 'viewer',
    tag,
    summary,
    params: siteParams,
    query: z.object({ ...dateRangeShape, kind: z.enum(reportKinds(group)), ...pageShape }).superRefine(checkRange),
    response: {
      description: 'One page of the breakdown, ranked; `columns` says which keys are dimensions and which metrics',
      schema: pageSchema(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))).extend({
        report: z.string(),
        columns: z.array(z.object({ key: z.string(), kind: z.enum(['dimension', 'metric']) })),
      }),
    },
    async handle({ principal, params, query }) {
      await assertSiteAccess(deps.sql, principal, params.siteId);
      return {
        body: await breakdown(lake, group, query.kind, params.siteId, query, {
          limit: query.limit,
          offset: query.offset,
        }),
      };
    },
  });

/** Reports over the event lake; every one names a site of the caller's organization and a bounded range. */
export function statsRoutes(deps: ApiDeps, lake: LakeReader): ApiRoute[] {
  const now = deps.now ?? Date.now;
  return [
    defineRoute({
      method: 'GET',
      path: '/api/sites/{siteId}/stats/overview',
      access: 'viewer',
      tag: 'Overview',
      summary: 'Visitors, sessions, page views, bounce rate, visit duration and conversions, with the previous period',
      params: siteParams,
      query: rangeQuery,
      response: {
        description: 'Totals of the range and of the period of the same length before it',
        schema: z.object({
          range: rangeSchema,
          previousRange: rangeSchema,
          current: totalsSchema,
          previous: totalsSchema,
        }),
      },
      async handle({ principal, params, query }) {
        await assertSiteAccess(deps.sql, principal, params.siteId);
        return { body: await overview(lake, params.siteId, query) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/sites/{siteId}/stats/timeseries',
      access: 'viewer',
      tag: 'Overview',
      summary: 'The trend per day (or per hour for up to a week), with the previous period aligned',
      params: siteParams,
      query: timeseriesQuery,
      response: { description: 'Points of the range and of the previous period, zeros where nothing happened' },
      async handle({ principal, params, query }) {
        await assertSiteAccess(deps.sql, principal, params.siteId);
        return { body: await timeseries(lake, params.siteId, query, query.interval) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/sites/{siteId}/stats/realtime',
      access: 'viewer',
      tag: 'Realtime',
      summary: 'Visitors active in the last 5 minutes, the pages they are on, and the latest 50 events',
      params: siteParams,
      response: { description: 'Active visitors and the live feed, newest first' },
      async handle({ principal, params }) {
        await assertSiteAccess(deps.sql, principal, params.siteId);
        return { body: await realtime(lake, params.siteId, now()) };
      },
    }),
    breakdownRoute(lake, deps, 'pages', 'Pages', 'Top, entry and exit pages'),
    breakdownRoute(lake, deps, 'sources', 'Sources', 'Channels, referrers, UTM campaigns and click-id networks'),
    breakdownRoute(lake, deps, 'geo', 'Geography', 'Visitors by country, region or city'),
    breakdownRoute(lake, deps, 'devices', 'Devices', 'Visitors by device type, browser or operating system'),
    defineRoute({
      method: 'GET',
      path: '/api/sites/{siteId}/stats/funnel',
      access: 'viewer',
      tag: 'Funnels',
      summary: 'Visitors through 2–4 ordered steps within a window',
      params: siteParams,
      query: funnelQuery,
      response: { description: 'One row per step with visitors and conversion rate from step 1' },
      async handle({ principal, params, query }) {
        await assertSiteAccess(deps.sql, principal, params.siteId);
        return { body: { steps: await funnel(lake, params.siteId, query, query.steps, query.windowSeconds) } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/sites/{siteId}/stats/retention',
      access: 'viewer',
      tag: 'Retention',
      summary: 'Weekly cohorts by first-seen week and the share active N weeks later',
      params: siteParams,
      query: rangeQuery,
      response: { description: 'Cohorts, oldest first' },
      async handle({ principal, params, query }) {
        await assertSiteAccess(deps.sql, principal, params.siteId);
        return { body: await retention(lake, params.siteId, query) };
      },
    }),
  ];
}
