import { z } from 'zod';
import type { KeyValue } from '../ports/key-value';

/**
 * A tracked-link click as the redirect keeps it for postbacks to find: in `KeyValue` (DynamoDB
 * with TTL in AWS), so the redirect's hot path writes no relational row and a click disappears
 * when its cookie window ends.
 */
export interface ClickRecord {
  readonly clickId: string;
  readonly linkId: string;
  readonly affiliateId?: string;
  readonly offerId?: string;
  readonly campaign?: string;
  readonly subIds: Readonly<Record<string, string>>;
  readonly anonymousId?: string;
  /** Epoch milliseconds. */
  readonly clickedAt: number;
  /** Epoch milliseconds: the end of the cookie window. */
  readonly expiresAt: number;
}

/** Click ids are UUIDs: a postback field that is not one is not ours. */
export const CLICK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const recordSchema = z.object({
  clickId: z.string().regex(CLICK_ID),
  linkId: z.string().max(64),
  affiliateId: z.string().max(128).optional(),
  offerId: z.string().max(128).optional(),
  campaign: z.string().max(200).optional(),
  subIds: z.record(z.string().max(16), z.string().max(256)),
  anonymousId: z.string().max(128).optional(),
  clickedAt: z.number().int().min(0),
  expiresAt: z.number().int().min(0),
});

const keyOf = (siteId: string, clickId: string) => `click:${siteId}:${clickId.toLowerCase()}`;

/**
 * Keeps a click until its window ends (plus a day, for postbacks that arrive late).
 *
 * @example
 * await saveClick(keyValue, siteId, { clickId, linkId, subIds: {}, clickedAt: now, expiresAt: now + 30 * DAY });
 */
export async function saveClick(keyValue: KeyValue, siteId: string, record: ClickRecord): Promise<void> {
  const ttlSeconds = Math.ceil((record.expiresAt - record.clickedAt) / 1000) + 86_400;
  await keyValue.put(keyOf(siteId, record.clickId), { ...record, subIds: { ...record.subIds } }, { ttlSeconds });
}

/**
 * The click with this id on the site, or `undefined` (unknown, expired, or not a click id).
 *
 * @example
 * const click = await findClick(keyValue, siteId, postback.clickId);
 */
export async function findClick(keyValue: KeyValue, siteId: string, clickId: string): Promise<ClickRecord | undefined> {
  if (!CLICK_ID.test(clickId)) return undefined;
  const stored = await keyValue.get(keyOf(siteId, clickId));
  const parsed = recordSchema.safeParse(stored);
  return parsed.success ? (parsed.data as ClickRecord) : undefined;
}
