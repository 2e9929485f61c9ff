import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface AssetSize {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface InitialJs {
  /** The entry script and every chunk `index.html` preloads: what a first visit downloads. */
  readonly initial: readonly AssetSize[];
  readonly initialGzipBytes: number;
  /** Chunks loaded later, when a view that needs them opens. */
  readonly lazy: readonly AssetSize[];
}

const size = (distDir: string, file: string): AssetSize => {
  const bytes = readFileSync(join(distDir, file));
  return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
};

/**
 * Measures a build's initial JavaScript from what `index.html` loads: module scripts and
 * `modulepreload` links. Lazy chunks (views opened later) are listed apart.
 *
 * @example
 * const { initialGzipBytes } = measureInitialJs(dashboardDistDir, ['assets/index-abc.js', 'assets/Overview-def.js']);
 */
export function measureInitialJs(distDir: string, allJsFiles: readonly string[]): InitialJs {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const referenced = new Set<string>();
  for (const match of html.matchAll(/<script[^>]+type="module"[^>]+src="\/?([^"]+)"/g))
    referenced.add(match[1] as string);
  for (const match of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/?([^"]+)"/g))
    referenced.add(match[1] as string);
  const initial = [...referenced].map((file) => size(distDir, file));
  const lazy = allJsFiles.filter((file) => !referenced.has(file)).map((file) => size(distDir, file));
  return { initial, initialGzipBytes: initial.reduce((sum, a) => sum + a.gzipBytes, 0), lazy };
}
