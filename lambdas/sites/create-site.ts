import { randomBytes } from 'node:crypto';
import { hashWriteKey } from '../collection/site-registry';
import { ValidationError } from '../core/errors';
import type { SiteSettings } from '../db/schema/core';
import { isPhoneRegion } from '../identity/phone-numbers';
import type { Sql } from '../ports/sql';

export interface CreatedSite {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly domain: string;
  /** Public: goes into the page's script tag. */
  readonly siteKey: string;
  /** Secret: shown once, for server-side and Segment-compatible calls. Only its hash is stored. */
  readonly writeKey: string;
}

const DOMAIN = /^(?=.{1,253}$)(localhost|([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9][a-z0-9-]{0,61}[a-z0-9])$/;

/** Normalizes and checks a site's domain (`https://www.Example.com/` → `www.example.com`). */
export function normalizeDomain(input: string): string {
  const trimmed = input
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[/:].*$/, '');
  if (!DOMAIN.test(trimmed)) throw new ValidationError(`"${input}" is not a domain name`, 'domain');
  return trimmed;
}

/**
 * Creates a site with a fresh public site key and secret write key.
 *
 * @example
 * const site = await createSite(sql, { organizationId, domain: 'shop.example.com' });
 * console.log(site.siteKey, site.writeKey);
 */
export async function createSite(
  sql: Sql,
  input: { organizationId: string; domain: string; name?: string; settings?: SiteSettings; allowedOrigins?: string[] },
): Promise<CreatedSite> {
  const domain = normalizeDomain(input.domain);
  const name = (input.name ?? domain).trim();
  if (name.length < 1 || name.length > 200) throw new ValidationError('name must be 1–200 characters', 'name');
  const phoneRegion = input.settings?.phoneRegion;
  if (phoneRegion !== undefined && phoneRegion !== null && !isPhoneRegion(phoneRegion))
    throw new ValidationError(
      `phoneRegion: "${phoneRegion}" is not a region with a numbering plan (e.g. FR)`,
      'phoneRegion',
    );
  const siteKey = `pk_${randomBytes(12).toString('base64url')}`;
  const writeKey = `sk_${randomBytes(24).toString('base64url')}`;
  const row = await sql.db
    .insertInto('sites')
    .values({
      organization_id: input.organizationId,
      name,
      domain,
      site_key: siteKey,
      write_key_hash: hashWriteKey(writeKey),
      allowed_origins: JSON.stringify(input.allowedOrigins ?? []),
      settings: JSON.stringify(input.settings ?? {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, organizationId: input.organizationId, name, domain, siteKey, writeKey };
}
