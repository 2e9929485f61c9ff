import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardBuildIsCurrent } from '../../dashboard/build-freshness';
import { makeTempDir } from '../support/temp-dir';

describe('whether the dashboard build is current (npm start rebuilds it otherwise)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let dirs: { root: string; dist: string };
  const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

  beforeEach(() => {
    temp = makeTempDir('sightline-dashboard-freshness-');
    dirs = { root: temp.dir, dist: join(temp.dir, 'dist') };
    mkdirSync(join(temp.dir, 'src', 'views'), { recursive: true });
    writeFileSync(join(temp.dir, 'index.html'), '<!doctype html>');
    writeFileSync(join(temp.dir, 'src', 'views', 'Overview.tsx'), 'export {}');
    at(join(temp.dir, 'index.html'), 1_000);
    at(join(temp.dir, 'src', 'views', 'Overview.tsx'), 1_000);
  });
  afterEach(() => temp.cleanup());

  const build = (seconds: number) => {
    mkdirSync(dirs.dist, { recursive: true });
    writeFileSync(join(dirs.dist, 'index.html'), '<!doctype html>');
    at(join(dirs.dist, 'index.html'), seconds);
  };

  it('is not current when there is no build (a fresh clone)', () => {
    expect(dashboardBuildIsCurrent(dirs)).toBe(false);
  });

  it('is current when the build is newer than every source', () => {
    // Prepare
    build(2_000);

    // Act / Assess
    expect(dashboardBuildIsCurrent(dirs)).toBe(true);
  });

  it('is not current once a source deep in src/ changed after the build (a pull)', () => {
    // Prepare
    build(2_000);
    at(join(temp.dir, 'src', 'views', 'Overview.tsx'), 3_000);

    // Act / Assess
    expect(dashboardBuildIsCurrent(dirs)).toBe(false);
  });
});
