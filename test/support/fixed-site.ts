import type { SiteRecord, SiteRegistry } from '../../lambdas/collection/site-registry';

/** One site, known by key `pk_fuzz` and write key `sk_fuzz`, for tests that need no database. */
export const FIXED_SITE: SiteRecord = {
  id: '00000000-0000-4000-8000-000000000001',
  organizationId: '00000000-0000-4000-8000-000000000002',
  domain: 'shop.example',
  siteKey: 'pk_fuzz',
  allowedOrigins: [],
  settings: {},
};

export const fixedSiteRegistry: SiteRegistry = {
  bySiteKey: async (key) => (key === FIXED_SITE.siteKey ? FIXED_SITE : undefined),
  byWriteKey: async (key) => (key === 'sk_fuzz' ? FIXED_SITE : undefined),
  byId: async (id) => (id === FIXED_SITE.id ? FIXED_SITE : undefined),
};
