import { createHash } from 'node:crypto';
import type { SiteSettings } from '../db/schema/core';
import type { Sql } from '../ports/sql';

/** What collection and enrichment need to know about a site. */
export interface SiteRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly domain: string;
  readonly siteKey: string;
  readonly allowedOrigins: readonly string[];
  readonly settings: SiteSettings;
}

export interface SiteRegistry {
  bySiteKey(siteKey: string): Promise<SiteRecord | undefined>;
  byWriteKey(writeKey: string): Promise<SiteRecord | undefined>;
  byId(siteId: string): Promise<SiteRecord | undefined>;
}

export function hashWriteKey(writeKey: string): string {
  return createHash('sha256').update(writeKey).digest('hex');
}

/**
 * Site lookups for the hot path, cached for `ttlMs` (misses too, briefly, so a flood of
 * unknown keys costs one query per key per minute). Runs as the system role: looking a key up
 * is how the organization becomes known.
 */
export function createSiteRegistry(sql: Sql, options: { ttlMs?: number; now?: () => number } = {}): SiteRegistry {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; site: SiteRecord | undefined }>();

  const cached = async (cacheKey: string, load: () => Promise<SiteRecord | undefined>) => {
    const hit = cache.get(cacheKey);
    if (hit && now() - hit.at < ttlMs) return hit.site;
    const site = await load();
    if (cache.size > 10_000) cache.clear();
    cache.set(cacheKey, { at: now(), site });
    return site;
  };

  const load = async (column: 'site_key' | 'write_key_hash' | 'id', value: string) => {
    const row = await sql.db
      .selectFrom('sites')
      .select(['id', 'organization_id', 'domain', 'site_key', 'allowed_origins', 'settings'])
      .where(column, '=', value)
      .executeTakeFirst();
    return row
      ? {
          id: row.id,
          organizationId: row.organization_id,
          domain: row.domain,
          siteKey: row.site_key,
          allowedOrigins: row.allowed_origins,
          settings: row.settings,
        }
      : undefined;
  };

  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  return {
    bySiteKey: (siteKey) => cached(`k:${siteKey}`, () => load('site_key', siteKey)),
    byWriteKey: (writeKey) =>
      cached(`w:${hashWriteKey(writeKey)}`, () => load('write_key_hash', hashWriteKey(writeKey))),
    byId: (siteId) =>
      uuid.test(siteId) ? cached(`i:${siteId}`, () => load('id', siteId)) : Promise.resolve(undefined),
  };
}

/**
 * Whether a browser origin may send events for the site: its own domain and subdomains, plus the
 * allowed origins listed (exact origins, or `*.example.com` wildcards).
 */
export function originAllowed(site: SiteRecord, origin: string | undefined): boolean {
  if (origin === undefined) return true; // not a browser CORS request (server, beacon from same origin, curl)
  let host: string;
  try {
    host = new URL(origin).hostname.toLowerCase();
  } catch {
    return false;
  }
  const domain = site.domain.toLowerCase();
  if (host === domain || host.endsWith(`.${domain}`)) return true;
  return site.allowedOrigins.some((allowed) => {
    const a = allowed.toLowerCase();
    if (a === '*') return true;
    if (a.startsWith('*.')) return host.endsWith(a.slice(1));
    return a === origin.toLowerCase() || a === host;
  });
}
