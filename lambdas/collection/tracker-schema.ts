import { z } from 'zod';
import { epochMs, LIMITS, pixels, properties, stringMap } from './bounds';
import type { NormalizedEvent } from './collected-event';

/**
 * Version 1 of the tracker's wire format (`POST /e`, see tracker-sdk/ARCHITECTURE.md).
 * The envelope is checked first; each event is then checked on its own so one bad event
 * does not cost the others.
 */
export const trackerEnvelopeSchema = z.object({
  site: z.string().min(1).max(LIMITS.id),
  sdk: z.string().max(64).optional(),
  sentAt: epochMs.optional(),
  events: z.array(z.unknown()).min(1).max(LIMITS.trackerEventsPerBatch),
});

export const trackerEventSchema = z
  .object({
    id: z.string().min(1).max(LIMITS.id),
    type: z.enum(['page', 'track', 'identify']),
    name: z.string().min(1).max(LIMITS.name).optional(),
    ts: epochMs,
    aid: z.string().min(1).max(LIMITS.id).optional(),
    sid: z.string().min(1).max(LIMITS.id).optional(),
    uid: z.string().min(1).max(LIMITS.userId).nullable().optional(),
    url: z.string().max(LIMITS.url),
    ref: z.string().max(LIMITS.url).optional(),
    title: z.string().max(LIMITS.title).optional(),
    props: properties.optional(),
    traits: properties.optional(),
    ctx: z
      .object({
        sw: pixels.optional(),
        sh: pixels.optional(),
        vw: pixels.optional(),
        vh: pixels.optional(),
        lang: z.string().max(LIMITS.language).optional(),
        tz: z.string().max(LIMITS.timezone).optional(),
        cl: z.boolean().optional(),
        utm: stringMap(6, 512).optional(),
        clid: stringMap(12, 512).optional(),
        sub: stringMap(12, 256).optional(),
      })
      .optional(),
  })
  .superRefine((event, ctx) => {
    if (event.type === 'track' && !event.name) {
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'a track event needs a name' });
    }
  });

export type TrackerEvent = z.infer<typeof trackerEventSchema>;

export function trackerEventToNormalized(
  event: TrackerEvent,
  sdk: string | undefined,
  sentAt: number | undefined,
): NormalizedEvent {
  const ctx = event.ctx ?? {};
  const cookieless = ctx.cl === true;
  return {
    eventId: event.id,
    type: event.type,
    ...(event.name ? { name: event.name } : {}),
    timestamp: event.ts,
    ...(sentAt !== undefined ? { sentAt } : {}),
    // In cookieless mode no persistent identifier may be kept, whatever the client sent.
    ...(!cookieless && event.aid ? { anonymousId: event.aid } : {}),
    ...(!cookieless && event.sid ? { sessionId: event.sid } : {}),
    ...(event.uid ? { userId: event.uid } : {}),
    url: event.url,
    ...(event.ref ? { referrer: event.ref } : {}),
    ...(event.title ? { title: event.title } : {}),
    ...(event.props ? { properties: event.props } : {}),
    ...(event.traits ? { traits: event.traits } : {}),
    screen: { width: ctx.sw, height: ctx.sh },
    viewport: { width: ctx.vw, height: ctx.vh },
    ...(ctx.lang ? { language: ctx.lang } : {}),
    ...(ctx.tz ? { timezone: ctx.tz } : {}),
    cookieless,
    ...(ctx.utm ? { campaign: ctx.utm } : {}),
    ...(ctx.clid ? { clickIds: ctx.clid } : {}),
    ...(ctx.sub ? { subIds: ctx.sub } : {}),
    ...(sdk ? { sdk } : {}),
  };
}
