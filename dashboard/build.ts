import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'vite';
import { dashboardBuildIsCurrent } from './build-freshness';
import { type InitialJs, measureInitialJs } from './initial-js';
import { dashboardDistDir, dashboardRoot, INITIAL_JS_BUDGET_BYTES } from './paths';

export class DashboardBudgetError extends Error {
  constructor(
    message: string,
    readonly initialGzipBytes: number,
  ) {
    super(message);
    this.name = 'DashboardBudgetError';
  }
}

/**
 * Builds the dashboard with Vite into `outDir` (minified, hashed assets under `assets/`, one lazy
 * chunk per view) and measures the initial JavaScript against its budget. TSX is compiled by
 * Vite's built-in esbuild (React's automatic JSX runtime), so no plugin is needed.
 *
 * @example
 * const sizes = await buildDashboard({ outDir: '/tmp/dashboard' });
 * console.log(sizes.initialGzipBytes);
 */
export async function buildDashboard(options: { outDir: string }): Promise<InitialJs> {
  await build({
    root: dashboardRoot,
    configFile: false,
    logLevel: 'warn',
    base: '/',
    esbuild: { jsx: 'automatic' },
    build: {
      outDir: options.outDir,
      emptyOutDir: true,
      target: 'es2020',
      sourcemap: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 600,
      rollupOptions: {
        output: {
          // React is needed at once and changes rarely (its own long-cached chunk); the charting
          // library is shared by several views and loads with the first one that draws a chart.
          manualChunks: (id) =>
            /node_modules\/(react|react-dom|scheduler|react-router|react-router-dom|@remix-run)\//.test(id)
              ? 'react'
              : /node_modules\/(recharts|d3-|victory-vendor|@reduxjs|immer|reselect|react-redux|es-toolkit|decimal\.js|eventemitter3|tiny-invariant|clsx|use-sync-external-store|react-is)/.test(
                    id,
                  )
                ? 'charts'
                : undefined,
        },
      },
    },
  });
  const js = listFiles(options.outDir).filter((file) => file.endsWith('.js'));
  const sizes = measureInitialJs(options.outDir, js);
  if (sizes.initialGzipBytes > INITIAL_JS_BUDGET_BYTES) {
    throw new DashboardBudgetError(
      `initial JS is ${kb(sizes.initialGzipBytes)} gzip, over the ${kb(INITIAL_JS_BUDGET_BYTES)} budget`,
      sizes.initialGzipBytes,
    );
  }
  return sizes;
}

/**
 * Builds into a fresh folder and moves it into place, so a server never sees half a build. With
 * `ifStale`, waits for (rather than repeats) a build another process is running, and builds
 * only when `dist/` is still missing or older than a source: what the local runtime's start runs.
 */
export async function buildDashboardInPlace(options: { ifStale?: boolean } = {}): Promise<InitialJs | undefined> {
  const ready = () => dashboardBuildIsCurrent();
  if (options.ifStale && ready()) return undefined;
  // Scratch space under node_modules/.cache: ignored by git, and on the same file system as
  // dist/, so the finished build moves into place with one rename.
  const scratch = join(dashboardRoot, '..', 'node_modules', '.cache', 'sightline-dashboard');
  mkdirSync(scratch, { recursive: true });
  const lock = join(scratch, 'build.lock');
  const release = await acquireLock(lock, ready);
  if (!release) return undefined; // another process built it while we waited
  try {
    if (options.ifStale && ready()) return undefined;
    const staging = join(scratch, `dist-${process.pid}`);
    const sizes = await buildDashboard({ outDir: staging });
    rmSync(dashboardDistDir, { recursive: true, force: true });
    renameSync(staging, dashboardDistDir);
    return sizes;
  } finally {
    release();
  }
}

/** An exclusive lock file; a lock older than ten minutes is from a crashed build and is broken. */
async function acquireLock(path: string, done: () => boolean): Promise<(() => void) | undefined> {
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (done()) return undefined;
    try {
      if (Date.now() - statSync(path).mtimeMs > 10 * 60_000) rmSync(path, { force: true });
    } catch {
      // released meanwhile
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * `npm run build:dashboard` (always builds, replacing `dist/`); from the runtime,
 * `build.ts --if-stale` (builds when `dist/` is missing or older than a source); `--out DIR` builds into another folder and `--json` prints the sizes
 * as JSON (for tests, which cannot load Vite's ESM build in Jest).
 */
async function main(argv: readonly string[]): Promise<void> {
  const started = Date.now();
  const out = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : undefined;
  const sizes = out
    ? await buildDashboard({ outDir: out })
    : await buildDashboardInPlace({ ifStale: argv.includes('--if-stale') });
  if (!sizes) return;
  if (argv.includes('--json')) {
    console.log(JSON.stringify(sizes));
    return;
  }
  for (const asset of sizes.initial)
    console.log(`initial  ${asset.file.padEnd(40)} ${kb(asset.gzipBytes).padStart(9)} gzip`);
  for (const asset of sizes.lazy)
    console.log(`lazy     ${asset.file.padEnd(40)} ${kb(asset.gzipBytes).padStart(9)} gzip`);
  console.log(
    `dashboard initial JS ${kb(sizes.initialGzipBytes)} gzip / ${kb(INITIAL_JS_BUDGET_BYTES)} budget, ok (built in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
