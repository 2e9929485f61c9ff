import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type InitialJs, measureInitialJs } from '../../dashboard/initial-js';
import { dashboardBuildScript, INITIAL_JS_BUDGET_BYTES } from '../../dashboard/paths';
import { makeTempDir } from '../support/temp-dir';

describe('dashboard build and its initial JS budget', () => {
  it('counts the entry script and preloaded chunks as initial, other chunks as lazy', () => {
    // Prepare
    const { dir, cleanup } = makeTempDir('sightline-dist-');
    mkdirSync(join(dir, 'assets'));
    const entry = 'console.log("entry");'.repeat(50);
    const vendor = 'export const react = 1;'.repeat(80);
    writeFileSync(join(dir, 'assets', 'index-1.js'), entry);
    writeFileSync(join(dir, 'assets', 'react-2.js'), vendor);
    writeFileSync(join(dir, 'assets', 'Overview-3.js'), 'export const view = 1;');
    writeFileSync(
      join(dir, 'index.html'),
      '<script type="module" crossorigin src="/assets/index-1.js"></script><link rel="modulepreload" crossorigin href="/assets/react-2.js">',
    );

    // Act
    const sizes = measureInitialJs(dir, ['assets/index-1.js', 'assets/react-2.js', 'assets/Overview-3.js']);

    // Assess
    expect(sizes.initial.map((a) => a.file)).toEqual(['assets/index-1.js', 'assets/react-2.js']);
    expect(sizes.lazy.map((a) => a.file)).toEqual(['assets/Overview-3.js']);
    expect(sizes.initialGzipBytes).toBe(gzipSync(entry, { level: 9 }).length + gzipSync(vendor, { level: 9 }).length);
    cleanup();
  });

  it(`builds the dashboard with initial JS within ${INITIAL_JS_BUDGET_BYTES / 1024} KB gzip, views in lazy chunks`, () => {
    // Prepare
    const { dir, cleanup } = makeTempDir('sightline-dashboard-build-');

    // Act: in a child process, as the runtime builds it (Vite is ESM-only; Jest cannot load it)
    const output = execFileSync(
      process.execPath,
      ['--require', require.resolve('tsx/cjs'), dashboardBuildScript, '--out', dir, '--json'],
      { encoding: 'utf8' },
    );
    const sizes = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as InitialJs;

    // Assess
    expect(sizes.initialGzipBytes).toBeLessThanOrEqual(INITIAL_JS_BUDGET_BYTES);
    expect(sizes.lazy.map((a) => a.file)).toEqual(expect.arrayContaining([expect.stringMatching(/Overview-.*\.js$/)]));
    expect(sizes.lazy.map((a) => a.file)).toEqual(expect.arrayContaining([expect.stringMatching(/charts-.*\.js$/)]));
    cleanup();
  }, 120_000);
});
