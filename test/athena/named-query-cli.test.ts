import { join } from 'node:path';
import { LOCAL_DATABASE, loadNamedQuery, renderNamedQuery } from '../../lambdas/lake/named-queries';
import { runCli } from '../support/run-cli';
import { makeTempDir } from '../support/temp-dir';
import { FIXTURE, writeFixtureLake } from './fixture-lake';
import { inlineParameters } from './sql-text';

describe('sightline query --engine athena with a named query', () => {
  let dir: string;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ dir, cleanup } = makeTempDir('sightline-athena-cli-'));
    await writeFixtureLake(join(dir, 'lake'));
  });
  afterAll(() => cleanup());

  it('runs the same SQL text on the local lake, database rendered as main', async () => {
    // Prepare: the CLI takes no parameters, so the test writes them in as literals.
    const sql = inlineParameters(
      renderNamedQuery(loadNamedQuery('daily-pageviews-and-visitors'), { database: LOCAL_DATABASE }),
      [FIXTURE.siteId, '2026-03-09', '2026-03-11'],
    );

    // Act: `--` ends the options; the SQL's header comment would otherwise read as one.
    const result = await runCli(['query', '--engine', 'athena', '--format', 'json', '--', sql], {
      SIGHTLINE_DATA_DIR: dir,
    });

    // Assess: the second week of the fixture (a-5; c-3; e-1..e-3).
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      { day: '2026-03-09', pageviews: 1, visitors: 1 },
      { day: '2026-03-10', pageviews: 1, visitors: 1 },
      { day: '2026-03-11', pageviews: 3, visitors: 1 },
    ]);
  }, 60_000);
});
