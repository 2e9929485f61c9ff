import { z } from 'zod';
import { pageShape } from '../http/common-schemas';

/**
 * A search term of at most `max` characters. PostgreSQL text cannot hold NUL: a term with one is
 * refused here, naming its field, rather than failing in SQL as a 500.
 *
 * @example
 * z.object({ q: searchTerm(253).optional() });
 */
const searchTerm = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((term) => !term.includes('\u0000'), { message: 'must not contain NUL characters' });

export const personListQuery = z
  .object({
    q: searchTerm(320).optional().describe('an e-mail address (exact), or the start of a user id or external id'),
    identified: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true')
      .describe('only persons with a user id, e-mail, phone or external id'),
    companyId: z.uuid().optional().describe('only persons of this company'),
    ...pageShape,
  })
  .strict();

export const companyListQuery = z
  .object({ q: searchTerm(253).optional().describe('the start of a domain or name'), ...pageShape })
  .strict();

export const softLinkListQuery = z
  .object({
    status: z.enum(['open', 'accepted', 'rejected']).default('open').describe('open ones wait for review'),
    personId: z
      .uuid()
      .optional()
      .describe("only this person's links (a merged person's id stands for the person it was merged into)"),
    ...pageShape,
  })
  .strict();

export const softLinkDecisionBody = z
  .object({
    decision: z
      .enum(['accept', 'reject'])
      .describe('accept merges the two persons as the stitching rules allow; reject never proposes the pair again'),
  })
  .strict();
