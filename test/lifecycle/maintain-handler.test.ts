import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../../lambdas/adapters/local/parquet-lake-sink';
import { createPostgresSql } from '../../lambdas/adapters/sql/create-sql';
import { migrations } from '../../lambdas/db/migrations';
import { makeMaintainHandler } from '../../lambdas/handlers/maintain';
import { LOCAL_DATABASE } from '../../lambdas/lake/named-queries';
import { eventsTable } from '../../lambdas/lake/tables';
import type { Analytics } from '../../lambdas/ports/analytics';
import type { Sql } from '../../lambdas/ports/sql';
import { createTenant, createTestKeyring } from '../identity/support/identity-fixture';
import { createTestDatabase } from '../support/postgres';
import { makeTempDir } from '../support/temp-dir';

describe('maintain Lambda (after each deployment, and once a day)', () => {
  let sql: Sql;
  let temp: ReturnType<typeof makeTempDir>;
  let keys: ReturnType<typeof createTestKeyring>;
  let maintain: ReturnType<typeof makeMaintainHandler>;
  let analytics: Analytics;

  beforeAll(async () => {
    sql = createPostgresSql({ connectionString: await createTestDatabase(), maxConnections: 2 });
    temp = makeTempDir('sightline-maintain-');
    keys = createTestKeyring(sql);
    analytics = await createDuckDbAnalytics({ lakeDir: temp.dir });
    maintain = makeMaintainHandler({
      sql,
      keyring: keys.keyring,
      lake: createLocalObjectStore({ root: temp.dir }),
      analytics,
      analyticsDatabase: LOCAL_DATABASE,
      now: () => Date.parse('2026-11-22T04:00:00Z'),
    });
  });
  afterAll(async () => {
    await analytics?.close();
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

  it('runs the daily task the schedule sends: partitions ahead, every site with a retention, finished days rolled up', async () => {
    // Prepare: one session yesterday (kept), one today (not finished), one before the cutoff (expired)
    const site = await createTenant(sql, 'kept-30-days');
    const view = (id: string, time: string) => ({
      event_id: id,
      site_id: site.siteId,
      event_type: 'page',
      event_time: new Date(time),
      anonymous_id: 'v1',
      session_id: `s-${id}`,
      path: '/',
      is_bot: false,
      dt: time.slice(0, 10),
    });
    await createParquetLakeSink(createLocalObjectStore({ root: temp.dir })).write(
      eventsTable,
      [
        view('old', '2026-10-01T10:00:00Z'),
        view('yesterday', '2026-11-21T10:00:00Z'),
        view('today', '2026-11-22T01:00:00Z'),
      ],
      'daily',
    );
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
    expect(daily).toMatchObject({
      sessionDays: [{ siteId: site.siteId, days: [{ day: '2026-11-21', events: 1, fragments: 1 }] }],
      visitorDays: [{ siteId: site.siteId, days: [{ day: '2026-11-21', events: 1, rows: 1 }] }],
      pageDays: [{ siteId: site.siteId, days: [{ day: '2026-11-21', events: 1, rows: 1 }] }],
    });
  });

  it('refuses a task it does not know instead of guessing', async () => {
    // Act
    const answer = maintain({ task: 'drop-everything' });

    // Assess
    await expect(answer).rejects.toThrow(/task/);
  });
});
