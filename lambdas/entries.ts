/**
 * Every Lambda the product deploys: its name and entry file. `npm run build` bundles each with
 * esbuild; `lib/` declares one function per entry. Paths are relative to the repository root.
 */
export const lambdaEntries = {
  health: 'lambdas/handlers/health.ts',
  collect: 'lambdas/handlers/collect.ts',
  enrich: 'lambdas/handlers/enrich.ts',
  resolveIdentity: 'lambdas/handlers/resolve-identity.ts',
  postback: 'lambdas/handlers/postback.ts',
  redirect: 'lambdas/handlers/redirect.ts',
  api: 'lambdas/handlers/api.ts',
  maintain: 'lambdas/handlers/maintain.ts',
} as const;

export type LambdaName = keyof typeof lambdaEntries;

/**
 * Event source mapping settings, shared by the CDK construct and the local pollers so both
 * worlds batch and retry alike.
 */
export const eventSources = {
  enrich: { batchSize: 500, maxBatchingWindowSeconds: 1, retryAttempts: 5 },
  resolveIdentity: { batchSize: 200, maxBatchingWindowSeconds: 1, maxReceiveCount: 5, visibilityTimeoutSeconds: 60 },
} as const;
