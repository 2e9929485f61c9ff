import { z } from 'zod';
import type { SiteSettings } from '../../db/schema/core';

/** Site settings the dashboard edits: the collector's and enricher's, plus the snippet's consent default. */
export interface DashboardSiteSettings extends SiteSettings {
  /** `granted`: the snippet carries `data-consent="granted"` (no consent banner needed on the site). */
  consentDefault?: 'granted' | 'withheld';
}

/** How recently the site sent an event: what "is my snippet installed?" looks at. */
export type InstallationStatus = 'waiting' | 'receiving' | 'quiet';

/** An event within this long means the snippet is installed and working. */
export const RECEIVING_WITHIN_MS = 24 * 60 * 60 * 1000;

export interface SiteRow {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  readonly site_key: string;
  readonly allowed_origins: readonly string[];
  readonly settings: DashboardSiteSettings;
  readonly created_at: Date | string;
  readonly last_event_at: Date | string | null;
}

export const siteColumns = [
  'id',
  'name',
  'domain',
  'site_key',
  'allowed_origins',
  'settings',
  'created_at',
  'last_event_at',
] as const;

export const siteSchema = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.string(),
  siteKey: z.string().describe('public: goes into the snippet'),
  allowedOrigins: z.array(z.string()),
  createdAt: z.string(),
  installation: z.object({
    status: z.enum(['waiting', 'receiving', 'quiet']),
    lastEventAt: z.string().nullable(),
  }),
});

export type SiteView = z.infer<typeof siteSchema>;

/**
 * A site as the API shows it (never the write key, which only its hash is kept of).
 *
 * @example
 * siteView(row, Date.now()).installation; // { status: 'receiving', lastEventAt: '2026-03-01T10:00:00.000Z' }
 */
export function siteView(row: SiteRow, now: number): SiteView {
  const last = row.last_event_at ? new Date(row.last_event_at) : null;
  const status: InstallationStatus = !last
    ? 'waiting'
    : now - last.getTime() <= RECEIVING_WITHIN_MS
      ? 'receiving'
      : 'quiet';
  return {
    id: row.id,
    name: row.name,
    domain: row.domain,
    siteKey: row.site_key,
    allowedOrigins: [...row.allowed_origins],
    createdAt: new Date(row.created_at).toISOString(),
    installation: { status, lastEventAt: last ? last.toISOString() : null },
  };
}
