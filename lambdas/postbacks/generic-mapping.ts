import { z } from 'zod';
import type { GenericFieldMapping } from '../db/schema/postbacks';

const fieldName = z.string().min(1).max(128);

/** A site's generic field mapping, bounded field by field. */
export const genericMappingSchema = z
  .object({
    transactionId: fieldName,
    clickId: fieldName.optional(),
    amount: fieldName.optional(),
    payout: fieldName.optional(),
    currency: fieldName.optional(),
    status: fieldName.optional(),
    eventName: fieldName.optional(),
    eventTime: fieldName.optional(),
    installTime: fieldName.optional(),
    idfa: fieldName.optional(),
    gaid: fieldName.optional(),
    idfv: fieldName.optional(),
    deviceId: fieldName.optional(),
    userId: fieldName.optional(),
    anonymousId: fieldName.optional(),
    affiliateId: fieldName.optional(),
    offerId: fieldName.optional(),
    campaign: fieldName.optional(),
    subIds: z
      .object({
        sub1: fieldName.optional(),
        sub2: fieldName.optional(),
        sub3: fieldName.optional(),
        sub4: fieldName.optional(),
        sub5: fieldName.optional(),
      })
      .strict()
      .optional(),
    statusValues: z
      .record(z.string().min(1).max(32), z.enum(['pending', 'approved', 'rejected']))
      .refine((values) => Object.keys(values).length <= 50, { message: 'at most 50 status values' })
      .optional(),
  })
  .strict() satisfies z.ZodType<GenericFieldMapping>;
