import type { TrackerFeatures } from '../features';

declare global {
  /** Replaced at build time by `build.ts` (esbuild `define`), so disabled modules are dropped. */
  const SL_FEATURES: TrackerFeatures;
  /** The tracker version from `version.ts`, replaced at build time. */
  const SL_VERSION: string;
}
