/**
 * Every Lambda the product deploys: its name and entry file. `npm run build` bundles each with
 * esbuild; `lib/` declares one function per entry. Paths are relative to the repository root.
 */
export const lambdaEntries = {
  health: 'lambdas/handlers/health.ts',
  collect: 'lambdas/handlers/collect.ts',
  enrich: 'lambdas/handlers/enrich.ts',
} as const;

export type LambdaName = keyof typeof lambdaEntries;
