import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { type TrackerFeatures, trackerFeatures } from './features';
import { trackerVersion } from './version';

/** The tracker's whole size budget: 6 KiB after `gzip -9`. */
export const gzipBudgetBytes = 6144;

export interface TrackerBuild {
  /** The minified IIFE. */
  code: string;
  bytes: number;
  gzipBytes: number;
  /** Absolute paths written, empty unless `write` was asked for. */
  files: string[];
}

export interface BuildTrackerOptions {
  /** Write `dist/s.js` and `dist/s.<version>.js`. @default false */
  readonly write?: boolean;
  /** @default tracker-sdk/dist */
  readonly outDir?: string;
  /** Flags to override, e.g. to measure what a module costs. @default trackerFeatures */
  readonly features?: Partial<TrackerFeatures>;
  /** Throw `TrackerBudgetError` above `gzipBudgetBytes`. @default true */
  readonly enforceBudget?: boolean;
}

export class TrackerBudgetError extends Error {
  constructor(
    readonly gzipBytes: number,
    options?: { cause?: unknown },
  ) {
    super(`tracker is ${gzipBytes} bytes gzip -9, over the ${gzipBudgetBytes}-byte budget`, options);
    this.name = 'TrackerBudgetError';
  }
}

/**
 * Bundles `src/index.ts` into one minified ES2017 IIFE and measures it with zlib level 9.
 *
 * @example
 * const { gzipBytes } = await buildTracker({ write: true });
 */
export async function buildTracker(options: BuildTrackerOptions = {}): Promise<TrackerBuild> {
  const features: TrackerFeatures = { ...trackerFeatures, ...options.features };
  const define: Record<string, string> = { SL_VERSION: JSON.stringify(trackerVersion) };
  for (const [flag, on] of Object.entries(features)) define[`SL_FEATURES.${flag}`] = String(on);
  const result = await build({
    entryPoints: [path.join(__dirname, 'src', 'index.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2017',
    platform: 'browser',
    legalComments: 'none',
    write: false,
    define,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  const gzipBytes = gzipSync(code, { level: constants.Z_BEST_COMPRESSION }).length;
  if (options.enforceBudget !== false && gzipBytes > gzipBudgetBytes) throw new TrackerBudgetError(gzipBytes);
  const files: string[] = [];
  if (options.write) {
    const outDir = options.outDir ?? path.join(__dirname, 'dist');
    await mkdir(outDir, { recursive: true });
    for (const name of ['s.js', `s.${trackerVersion}.js`]) {
      const file = path.join(outDir, name);
      await writeFile(file, code);
      files.push(file);
    }
  }
  return { code, bytes: Buffer.byteLength(code), gzipBytes, files };
}

if (require.main === module) {
  buildTracker({ write: true, enforceBudget: false }).then(
    ({ bytes, gzipBytes, files }) => {
      const verdict = gzipBytes <= gzipBudgetBytes ? 'within' : 'OVER';
      console.log(
        `tracker ${trackerVersion}: ${bytes} B minified, ${gzipBytes} B gzip -9 (${verdict} ${gzipBudgetBytes} B)`,
      );
      for (const file of files) console.log(`  wrote ${path.relative(process.cwd(), file)}`);
      if (gzipBytes > gzipBudgetBytes) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
