import { z } from 'zod';
import { LIMITS } from './bounds';
import type { NormalizedEvent } from './collected-event';

/**
 * Segment's documented HTTP API limits, and how much of a body the collector reads at all
 * (`readBytes`: a larger one is refused unread, and not recorded).
 */
export const SEGMENT_LIMITS = {
  eventBytes: 32 * 1024,
  batchBytes: 500 * 1024,
  batchEvents: 2_500,
  readBytes: 1024 * 1024,
} as const;

export const SEGMENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

const isoTime = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not an ISO-8601 date' });
const id = z.union([z.string().min(1).max(LIMITS.userId), z.number().finite()]).transform(String);
const json = z.record(z.string().max(LIMITS.propertyKey), z.unknown());

const context = z
  .object({
    ip: z.string().max(64).optional(),
    userAgent: z.string().max(1024).optional(),
    locale: z.string().max(LIMITS.language).optional(),
    timezone: z.string().max(LIMITS.timezone).optional(),
    page: z
      .object({
        url: z.string().max(LIMITS.url).optional(),
        path: z.string().max(LIMITS.url).optional(),
        referrer: z.string().max(LIMITS.url).optional(),
        title: z.string().max(LIMITS.title).optional(),
        search: z.string().max(LIMITS.url).optional(),
      })
      .partial()
      .optional(),
    campaign: z.record(z.string().max(64), z.string().max(512)).optional(),
    library: z.object({ name: z.string().max(64).optional(), version: z.string().max(64).optional() }).optional(),
    screen: z.object({ width: z.number().optional(), height: z.number().optional() }).optional(),
  })
  .passthrough();

/** One Segment message (any type); `type` is filled in from the path for single-event calls. */
export const segmentMessageSchema = z
  .object({
    type: z.enum(SEGMENT_TYPES),
    messageId: z.string().min(1).max(100).optional(),
    anonymousId: id.optional(),
    userId: id.optional(),
    previousId: id.optional(),
    groupId: id.optional(),
    event: z.string().min(1).max(LIMITS.name).optional(),
    name: z.string().max(LIMITS.name).optional(),
    category: z.string().max(LIMITS.name).optional(),
    properties: json.optional(),
    traits: json.optional(),
    context: context.optional(),
    timestamp: isoTime.optional(),
    originalTimestamp: isoTime.optional(),
    sentAt: isoTime.optional(),
  })
  .passthrough()
  .superRefine((m, ctx) => {
    if (!m.userId && !m.anonymousId) {
      ctx.addIssue({ code: 'custom', path: ['userId'], message: 'userId or anonymousId is required' });
    }
    if (m.type === 'track' && !m.event) ctx.addIssue({ code: 'custom', path: ['event'], message: 'track needs event' });
    if (m.type === 'alias' && !m.previousId) {
      ctx.addIssue({ code: 'custom', path: ['previousId'], message: 'alias needs previousId' });
    }
    if (m.type === 'group' && !m.groupId)
      ctx.addIssue({ code: 'custom', path: ['groupId'], message: 'group needs groupId' });
  });

export type SegmentMessage = z.infer<typeof segmentMessageSchema>;

/**
 * Maps a Segment message onto the columns the tracker's own fields use. Without a URL, a
 * `properties.path` or `context.page.path` (with `search`) becomes a URL on the site's domain, so
 * the lake's `path` (and campaign parameters in `search`) are filled as for a URL.
 *
 * @example
 * segmentToNormalized({ type: 'page', userId: 'u', properties: { path: '/a' } }, id, 'shop.example').url;
 * // 'https://shop.example/a'
 */
export function segmentToNormalized(message: SegmentMessage, fallbackId: string, siteDomain: string): NormalizedEvent {
  const page = message.context?.page ?? {};
  const props = message.properties ?? {};
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const url =
    str(props.url) ?? page.url ?? urlOfPath(siteDomain, str(props.path) ?? page.path, str(props.search) ?? page.search);
  const referrer = str(props.referrer) ?? page.referrer;
  const title = str(props.title) ?? page.title;
  const time = message.timestamp ?? message.originalTimestamp;
  const library = message.context?.library;
  const campaign = message.context?.campaign;
  const type = message.type === 'screen' ? 'screen' : message.type;
  return {
    eventId: message.messageId ?? fallbackId,
    type,
    ...(message.event ? { name: message.event } : message.name ? { name: message.name } : {}),
    ...(time ? { timestamp: Date.parse(time) } : {}),
    ...(message.sentAt ? { sentAt: Date.parse(message.sentAt) } : {}),
    ...(message.anonymousId ? { anonymousId: message.anonymousId } : {}),
    ...(message.userId ? { userId: message.userId } : {}),
    ...(message.previousId ? { previousId: message.previousId } : {}),
    ...(message.groupId ? { groupId: message.groupId } : {}),
    ...(url ? { url } : {}),
    ...(referrer ? { referrer } : {}),
    ...(title ? { title } : {}),
    ...(message.properties ? { properties: message.properties } : {}),
    ...(message.traits ? { traits: message.traits } : {}),
    ...(message.context?.screen ? { screen: message.context.screen } : {}),
    ...(message.context?.locale ? { language: message.context.locale } : {}),
    ...(message.context?.timezone ? { timezone: message.context.timezone } : {}),
    ...(campaign ? { campaign: renameCampaign(campaign) } : {}),
    ...(library?.name ? { sdk: `${library.name}/${library.version ?? ''}` } : {}),
    ...(message.context?.ip ? { clientIp: message.context.ip } : {}),
    ...(message.context?.userAgent ? { clientUserAgent: message.context.userAgent } : {}),
  };
}

/** `https://<site domain><path><search>`, or undefined when there is no path or it would leave the site's host. */
function urlOfPath(siteDomain: string, path: string | undefined, search: string | undefined): string | undefined {
  if (!path) return undefined;
  const query = search ? (search.startsWith('?') ? search : `?${search}`) : '';
  const text = `https://${siteDomain}${path.startsWith('/') ? '' : '/'}${path}${query}`.slice(0, LIMITS.url);
  try {
    return new URL(text).hostname === siteDomain.toLowerCase() ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Segment's `context.campaign.name` is utm_campaign; the rest map by name. */
function renameCampaign(campaign: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(campaign)) out[key === 'name' ? 'campaign' : key] = value;
  return out;
}
