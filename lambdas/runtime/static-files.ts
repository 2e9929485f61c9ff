import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { dashboardBuildIsCurrent } from '../../dashboard/build-freshness';
import { dashboardBuildScript } from '../../dashboard/paths';
import { buildTracker, trackerCacheControl, trackerDistDir, trackerFiles } from '../../tracker-sdk/paths';
import type { HttpReply } from './api-gateway-event';
import type { StaticHandler } from './http-server';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Builds the tracker when its bundle is missing (a fresh clone), so `npm start` needs no build step. */
export async function ensureTrackerBuilt(): Promise<void> {
  if (!existsSync(join(trackerDistDir, trackerFiles.versioned))) await buildTracker({ write: true });
}

let dashboardBuild: Promise<void> | undefined;

/**
 * Builds the dashboard when its static build is missing (a fresh clone) or older than its sources
 * (after a pull), so `npm start` needs no build step and never serves an old dashboard. Vite runs in a short-lived child process (a few seconds, once), which keeps the
 * long-running runtime's memory at its idle size; concurrent starts share one build through the
 * build script's lock.
 */
export function ensureDashboardBuilt(): Promise<void> {
  if (dashboardBuildIsCurrent()) return Promise.resolve();
  dashboardBuild ??= new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), dashboardBuildScript, '--if-stale'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`building the dashboard failed (exit ${code}): ${stderr}`)),
    );
  }).finally(() => {
    dashboardBuild = undefined;
  });
  return dashboardBuild;
}

/**
 * Plays CloudFront's S3 origin: the tracker at `/s.js` (short cache) and `/s.<version>.js`
 * (immutable), and the dashboard's static build (single-page app: unknown paths get index.html).
 * Files are read once and kept in memory.
 */
export function createStaticFiles(
  options: { dashboardDir?: string; extraRoots?: Record<string, string> } = {},
): StaticHandler {
  const cache = new Map<string, HttpReply>();
  const file = (path: string, contentType: string, cacheControl: string): HttpReply | undefined => {
    const hit = cache.get(path);
    if (hit) return hit;
    if (!existsSync(path) || !statSync(path).isFile()) return undefined;
    const reply = {
      statusCode: 200,
      headers: { 'content-type': contentType, 'cache-control': cacheControl },
      body: readFileSync(path),
    };
    cache.set(path, reply);
    return reply;
  };
  const under = (root: string, relative: string): string | undefined => {
    const full = normalize(join(root, relative));
    return full.startsWith(normalize(root) + sep) ? full : undefined;
  };

  return async (_method, path) => {
    if (path === `/${trackerFiles.latest}`) {
      return file(join(trackerDistDir, trackerFiles.latest), TYPES['.js'] as string, trackerCacheControl.latest);
    }
    if (path === `/${trackerFiles.versioned}`) {
      return file(join(trackerDistDir, trackerFiles.versioned), TYPES['.js'] as string, trackerCacheControl.versioned);
    }
    for (const [prefix, root] of Object.entries(options.extraRoots ?? {})) {
      if (!path.startsWith(prefix)) continue;
      const full = under(root, path.slice(prefix.length));
      const type = TYPES[extname(path)] ?? 'application/octet-stream';
      if (full) return file(full, type, 'no-cache');
    }
    const dashboard = options.dashboardDir;
    if (!dashboard || !existsSync(dashboard)) return undefined;
    if (path.startsWith('/api/') || path.startsWith('/v1/')) return undefined;
    const asset = path === '/' ? undefined : under(dashboard, path.slice(1));
    if (asset && existsSync(asset)) {
      const immutable = path.startsWith('/assets/');
      return file(
        asset,
        TYPES[extname(asset)] ?? 'application/octet-stream',
        immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    }
    if (extname(path) !== '') return undefined;
    return file(join(dashboard, 'index.html'), TYPES['.html'] as string, 'no-cache');
  };
}
