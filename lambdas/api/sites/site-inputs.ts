import { z } from 'zod';
import { affiliatePatternsSchema } from '../../enrichment/affiliate';
import { channelRulesSchema } from '../../enrichment/channel-rules';
import { phoneRegionSchema } from '../../identity/phone-numbers';

const ORIGIN = /^(\*|\*\.[a-z0-9.-]{1,253}|https?:\/\/[a-z0-9.-]{1,253}(:\d{1,5})?|[a-z0-9.-]{1,253})$/i;

export const allowedOriginsSchema = z
  .array(z.string().max(300).regex(ORIGIN, 'expected an origin (https://shop.example.com), a host, or *.example.com'))
  .max(50)
  .describe('origins besides the site domain and its subdomains that may send events');

export const createSiteBody = z
  .object({
    domain: z.string().min(1).max(253).describe('the site, e.g. shop.example.com'),
    name: z.string().trim().min(1).max(200).optional(),
    allowedOrigins: allowedOriginsSchema.optional(),
  })
  .strict();

export const updateSiteBody = z
  .object({ name: z.string().trim().min(1).max(200).optional(), allowedOrigins: allowedOriginsSchema.optional() })
  .strict();

export const rotateKeyBody = z
  .object({
    key: z
      .enum(['write', 'site'])
      .describe('`write`: the secret server-side key (shown once); `site`: the public key in the snippet'),
  })
  .strict();

/** Privacy, retention, classification and identity settings of a site; omitted fields keep their value. */
export const siteSettingsBody = z
  .object({
    retentionDays: z.number().int().min(30).max(3650).describe('days events and persons are kept'),
    ipv4PrefixBits: z.number().int().min(0).max(32).describe('IPv4 bits kept (24 drops the last octet)'),
    ipv6PrefixBits: z.number().int().min(0).max(128).describe('IPv6 bits kept'),
    honorDnt: z.boolean().describe('treat Do Not Track as an objection'),
    honorGpc: z.boolean().describe('treat Global Privacy Control as an objection'),
    consentDefault: z.enum(['granted', 'withheld']).describe('whether the snippet starts with consent granted'),
    channelRules: channelRulesSchema,
    affiliatePatterns: affiliatePatternsSchema,
    // `null` takes the region away: phones typed without a country code are then kept as typed.
    phoneRegion: phoneRegionSchema.nullable(),
  })
  .partial()
  .strict();

export const siteSettingsSchema = z.object({
  retentionDays: z.number().nullable(),
  ipv4PrefixBits: z.number(),
  ipv6PrefixBits: z.number(),
  honorDnt: z.boolean(),
  honorGpc: z.boolean(),
  consentDefault: z.enum(['granted', 'withheld']),
  channelRules: z.array(
    z.object({
      channel: z.string(),
      when: z.object({
        source: z.string().optional(),
        medium: z.string().optional(),
        referrerHost: z.string().optional(),
        campaign: z.string().optional(),
      }),
    }),
  ),
  affiliatePatterns: z.array(z.string()),
  phoneRegion: z.string().nullable(),
});
