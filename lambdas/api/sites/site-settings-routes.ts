import type { z } from 'zod';
import { NotFoundError } from '../../core/errors';
import { withOrganization } from '../../db/tenant';
import { changeSiteSettings } from '../../sites/change-site-settings';
import type { ApiDeps } from '../api-deps';
import { type ApiRoute, defineRoute } from '../http/api-route';
import { siteParams } from '../http/common-schemas';
import { siteSettingsBody, siteSettingsSchema } from './site-inputs';
import type { DashboardSiteSettings } from './site-view';

/** A site's settings as they apply (`GET` and `PUT /api/sites/{siteId}/settings`). */
export type SettingsView = z.infer<typeof siteSettingsSchema>;

/** Settings as they apply, defaults filled in as the collector and enricher fill them. */
export function settingsView(settings: DashboardSiteSettings): SettingsView {
  return {
    retentionDays: settings.retentionDays ?? null,
    ipv4PrefixBits: settings.ipv4PrefixBits ?? 24,
    ipv6PrefixBits: settings.ipv6PrefixBits ?? 48,
    honorDnt: settings.honorDnt ?? true,
    honorGpc: settings.honorGpc ?? true,
    consentDefault: settings.consentDefault ?? 'withheld',
    channelRules: settings.channelRules ?? [],
    affiliatePatterns: settings.affiliatePatterns ?? [],
    phoneRegion: settings.phoneRegion ?? null,
  };
}

/**
 * A site's settings: retention, consent default, IP truncation, DNT / GPC, channel rules,
 * affiliate link patterns and the default phone region. The collector and the enricher read them
 * through the site registry, which caches a site for a minute in AWS (5 s in `npm start`): a change
 * applies to events enriched after that (the phone region travels with their identity observations).
 */
export function siteSettingsRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/sites/{siteId}/settings',
      access: 'viewer',
      tag: 'Settings',
      summary: "A site's retention, consent default, IP truncation, channel rules, affiliate patterns and phone region",
      params: siteParams,
      response: { description: 'The settings in effect', schema: siteSettingsSchema },
      async handle({ principal, params }) {
        const row = await withOrganization(deps.sql, principal.organizationId, (trx) =>
          trx.selectFrom('sites').select('settings').where('id', '=', params.siteId).executeTakeFirst(),
        );
        if (!row) throw new NotFoundError(`site ${params.siteId} not found`);
        return { body: settingsView(row.settings) };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/sites/{siteId}/settings',
      access: 'admin',
      tag: 'Settings',
      summary: "Change a site's settings; omitted fields keep their value",
      params: siteParams,
      body: siteSettingsBody,
      response: { description: 'The settings in effect', schema: siteSettingsSchema },
      async handle({ principal, params, body }) {
        const settings = await changeSiteSettings<DashboardSiteSettings>(
          deps.sql,
          principal.organizationId,
          params.siteId,
          body,
        );
        return { body: settingsView(settings) };
      },
    }),
  ];
}
