import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../core/errors';
import { withOrganization } from '../db/tenant';
import type { Sql } from '../ports/sql';
import { SAFE_TEXT } from '../postbacks/conversion-values';
import { checkDestination } from './link-destination';

/** The cookie window when neither the link nor its affiliate sets one. */
export const DEFAULT_COOKIE_WINDOW_DAYS = 30;

/** A link as the redirect needs it, with its effective cookie window. */
export interface TrackedLink {
  readonly id: string;
  readonly organizationId: string;
  readonly siteId: string;
  readonly destination: string;
  readonly affiliateId?: string;
  readonly offerId?: string;
  readonly campaign?: string;
  /** The link's window, else its affiliate's, else 30 days. */
  readonly cookieWindowDays: number;
}

export interface LinkRegistry {
  byId(linkId: string): Promise<TrackedLink | undefined>;
}

export const LINK_ID = /^[A-Za-z0-9_-]{4,64}$/;
const safeText = (max: number) =>
  z.string().min(1).max(max).regex(SAFE_TEXT, 'must not contain quotes, backslashes or control characters');

const linkInput = z.object({
  organizationId: z.uuid(),
  siteId: z.uuid(),
  id: z.string().regex(LINK_ID, 'must be 4–64 letters, digits, _ or -').optional(),
  destination: z.string().min(1).max(2048),
  affiliateId: safeText(128).optional(),
  offerId: safeText(128).optional(),
  campaign: safeText(200).optional(),
  cookieWindowDays: z.number().int().min(1).max(365).optional(),
});

const affiliateInput = z.object({
  organizationId: z.uuid(),
  siteId: z.uuid(),
  id: safeText(128),
  name: z.string().min(1).max(200),
  cookieWindowDays: z.number().int().min(1).max(365).optional(),
});

/**
 * Creates a tracked link (`/r/<id>`); the id is generated unless given. The destination must be
 * an http(s) URL whose host macros cannot change (see `checkDestination`).
 *
 * @example
 * const link = await createTrackedLink(sql, {
 *   organizationId, siteId, destination: 'https://shop.example.com/?cid={click_id}', affiliateId: 'aff-7',
 * });
 * // share `${collectorUrl}/r/${link.id}?sub1=newsletter`
 */
export async function createTrackedLink(sql: Sql, input: z.input<typeof linkInput>): Promise<{ id: string }> {
  const data = parse(linkInput, input);
  checkDestination(data.destination);
  const id = data.id ?? randomBytes(9).toString('base64url');
  await withOrganization(sql, data.organizationId, (trx) =>
    trx
      .insertInto('tracked_links')
      .values({
        id,
        organization_id: data.organizationId,
        site_id: data.siteId,
        destination: data.destination,
        affiliate_id: data.affiliateId ?? null,
        offer_id: data.offerId ?? null,
        campaign: data.campaign ?? null,
        cookie_window_days: data.cookieWindowDays ?? null,
      })
      .execute(),
  );
  return { id };
}

/**
 * Creates or renames an affiliate and sets its cookie window.
 *
 * @example
 * await saveAffiliate(sql, { organizationId, siteId, id: 'aff-7', name: 'Coupon Site', cookieWindowDays: 7 });
 */
export async function saveAffiliate(sql: Sql, input: z.input<typeof affiliateInput>): Promise<void> {
  const data = parse(affiliateInput, input);
  await withOrganization(sql, data.organizationId, (trx) =>
    trx
      .insertInto('affiliates')
      .values({
        organization_id: data.organizationId,
        site_id: data.siteId,
        id: data.id,
        name: data.name,
        cookie_window_days: data.cookieWindowDays ?? null,
      })
      .onConflict((oc) =>
        oc
          .columns(['site_id', 'id'])
          .doUpdateSet({ name: data.name, cookie_window_days: data.cookieWindowDays ?? null }),
      )
      .execute(),
  );
}

/**
 * Link lookups for the redirect's hot path, cached for `ttlMs` (misses too). Runs as the system
 * role: the link id in the URL is how the organization becomes known, as a site key is.
 *
 * @example
 * const links = createLinkRegistry(sql);
 * const link = await links.byId('spring-sale');
 */
export function createLinkRegistry(sql: Sql, options: { ttlMs?: number; now?: () => number } = {}): LinkRegistry {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; link: TrackedLink | undefined }>();
  const load = async (linkId: string): Promise<TrackedLink | undefined> => {
    const row = await sql.db
      .selectFrom('tracked_links as l')
      .leftJoin('affiliates as a', (join) =>
        join.onRef('a.site_id', '=', 'l.site_id').onRef('a.id', '=', 'l.affiliate_id'),
      )
      .select([
        'l.id',
        'l.organization_id',
        'l.site_id',
        'l.destination',
        'l.affiliate_id',
        'l.offer_id',
        'l.campaign',
        'l.cookie_window_days',
        'a.cookie_window_days as affiliate_window_days',
      ])
      .where('l.id', '=', linkId)
      .where('l.disabled_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      organizationId: row.organization_id,
      siteId: row.site_id,
      destination: row.destination,
      ...(row.affiliate_id ? { affiliateId: row.affiliate_id } : {}),
      ...(row.offer_id ? { offerId: row.offer_id } : {}),
      ...(row.campaign ? { campaign: row.campaign } : {}),
      cookieWindowDays: row.cookie_window_days ?? row.affiliate_window_days ?? DEFAULT_COOKIE_WINDOW_DAYS,
    };
  };
  return {
    async byId(linkId) {
      if (!LINK_ID.test(linkId)) return undefined;
      const hit = cache.get(linkId);
      if (hit && now() - hit.at < ttlMs) return hit.link;
      const link = await load(linkId);
      if (cache.size > 10_000) cache.clear();
      cache.set(linkId, { at: now(), link });
      return link;
    },
  };
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'body';
  throw new ValidationError(`${field}: ${issue?.message ?? 'invalid'}`, field);
}
