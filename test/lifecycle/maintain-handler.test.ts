import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createPostgresSql } from '../../lambdas/adapters/sql/create-sql';
import { migrations } from '../../lambdas/db/migrations';
import { makeMaintainHandler } from '../../lambdas/handlers/maintain';
import type { Sql } from '../../lambdas/ports/sql';
import { createTenant, createTestKeyring } from '../identity/support/identity-fixture';
import { createTestDatabase } from '../support/postgres';
import { makeTempDir } from '../support/temp-dir';

describe('maintain Lambda (after each deployment, and once a day)', () => {
  let sql: Sql;
  let temp: ReturnType<typeof makeTempDir>;
  let keys: ReturnType<typeof createTestKeyring>;
  let maintain: ReturnType<typeof makeMaintainHandler>;

  beforeAll(async () => {
    sql = createPostgresSql({ connectionString: await createTestDatabase(), maxConnections: 2 });
    temp = makeTempDir('sightline-maintain-');
    keys = createTestKeyring(sql);
    maintain = makeMaintainHandler({
      sql,
      keyring: keys.keyring,
      lake: createLocalObjectStore({ root: temp.dir }),
      now: () => Date.parse('2026-11-22T04:00:00Z'),
    });
  });
  afterAll(async () => {
    await sql?.close();
    keys?.cleanup();
    temp?.cleanup();
  });

  it('migrates an empty database when the deployment trigger invokes it with no payload, then nothing more', async () => {
    // Act
    const first = await maintain({});
    const second = await maintain(undefined);

    // Assess
    expect(first).toEqual({
      task: 'deploy',
      migrated: Object.keys(migrations),
      partitions: ['events_2026_11', 'events_2026_12', 'events_2027_01'],
    });
    expect(second).toMatchObject({ task: 'deploy', migrated: [] });
  });

  it('runs the daily task the schedule sends: partitions ahead and every site with a retention', async () => {
    // Prepare
    const site = await createTenant(sql, 'kept-30-days');
    await sql.db
      .updateTable('sites')
      .set({ settings: JSON.stringify({ retentionDays: 30 }) })
      .where('id', '=', site.siteId)
      .execute();

    // Act
    const daily = await maintain({ task: 'daily' });

    // Assess
    expect(daily).toMatchObject({
      task: 'daily',
      partitions: ['events_2026_11', 'events_2026_12', 'events_2027_01'],
      retention: [{ siteId: site.siteId, retentionDays: 30, cutoff: '2026-10-23T00:00:00.000Z' }],
    });
  });

  it('refuses a task it does not know instead of guessing', async () => {
    // Act
    const answer = maintain({ task: 'drop-everything' });

    // Assess
    await expect(answer).rejects.toThrow(/task/);
  });
});
