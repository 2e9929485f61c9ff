import { z } from 'zod';
import { checkRange, dateRangeShape } from '../stats/date-range';

/** `{siteId}` in a path. */
export const siteParams = z.object({ siteId: z.uuid().describe('the site') });

/** `?from=&to=`: UTC days, both included. */
export const rangeQuery = z.object(dateRangeShape).superRefine(checkRange);

/** `?limit=&offset=` of a ranked list: bounded so no request reads more than a page. */
export const pageShape = {
  limit: z.coerce.number().int().min(1).max(100).default(25).describe('rows per page'),
  offset: z.coerce.number().int().min(0).max(10_000).default(0).describe('rows to skip'),
};

/** The one error body every endpoint uses. */
export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional().describe('the input at fault, for validation errors'),
  }),
});

export const pageSchema = <T extends z.ZodType>(row: T) =>
  z.object({ rows: z.array(row), limit: z.number().int(), offset: z.number().int(), hasMore: z.boolean() });
