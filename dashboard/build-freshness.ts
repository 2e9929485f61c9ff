import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardDistDir, dashboardRoot } from './paths';

/** What the build is made from: a change to any of them makes `dist/` out of date. */
const SOURCES = ['src', 'index.html', 'build.ts', 'tsconfig.build.json'];

/**
 * Whether `dist/` holds a build at least as new as every dashboard source file. After a `git pull`
 * that changed the dashboard, `npm start` would otherwise keep serving the old build.
 *
 * @example
 * if (!dashboardBuildIsCurrent()) await buildDashboardInPlace({ ifStale: true });
 */
export function dashboardBuildIsCurrent(dirs: { root: string; dist: string } = DEFAULT_DIRS): boolean {
  const index = join(dirs.dist, 'index.html');
  if (!existsSync(index)) return false;
  return newestSourceMs(dirs.root) <= statSync(index).mtimeMs;
}

const DEFAULT_DIRS = { root: dashboardRoot, dist: dashboardDistDir };

function newestSourceMs(root: string): number {
  let newest = 0;
  for (const name of SOURCES) {
    const path = join(root, name);
    if (!existsSync(path)) continue;
    const stat = statSync(path);
    if (stat.isFile()) newest = Math.max(newest, stat.mtimeMs);
    else
      for (const entry of readdirSync(path, { recursive: true, withFileTypes: true }))
        if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}
