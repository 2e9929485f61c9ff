import * as path from 'node:path';
import { trackerVersion } from './version';

/**
 * Where the built tracker lives and how it is served, for the local runtime, the CDK stack and
 * tests. Build it with `buildTracker()` (from `./build`), e.g. when the runtime starts and
 * `dist/` is missing.
 *
 * @example
 * import { buildTracker, trackerDistDir, trackerFiles } from '../tracker-sdk/paths';
 * if (!existsSync(path.join(trackerDistDir, trackerFiles.latest))) await buildTracker({ write: true });
 */
export { buildTracker, gzipBudgetBytes, TrackerBudgetError, type TrackerBuild } from './build';
export { trackerVersion };

export const trackerDistDir = path.join(__dirname, 'dist');

export const trackerEntry = path.join(__dirname, 'src', 'index.ts');

/** `/s.js` follows releases; `/s.<version>.js` never changes. */
export const trackerFiles = {
  latest: 's.js',
  versioned: `s.${trackerVersion}.js`,
} as const;

/** Cache-Control for each file, shared by the local runtime and CloudFront. */
export const trackerCacheControl = {
  latest: 'public, max-age=300, stale-while-revalidate=3600',
  versioned: 'public, max-age=31536000, immutable',
} as const;
