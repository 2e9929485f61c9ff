import { join } from 'node:path';

/**
 * Where the dashboard's sources and static build live, for the build script, the local runtime
 * (which serves `dist/` at `/`) and tests.
 */
export const dashboardRoot = __dirname;

export const dashboardDistDir = join(__dirname, 'dist');

/** The build script, run in a child process by the runtime when `dist/` is missing. */
export const dashboardBuildScript = join(__dirname, 'build.ts');

/** The JavaScript a first visit must download before anything shows, gzipped. */
export const INITIAL_JS_BUDGET_BYTES = 250 * 1024;
