import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { writeLakeRows } from '../../lambdas/lake/lake-writer';
import { eventsTable } from '../../lambdas/lake/tables';
import type { Analytics } from '../../lambdas/ports/analytics';
import type { ObjectStore } from '../../lambdas/ports/object-store';
import { makeTempDir } from '../support/temp-dir';

const event = (id: string, siteId: string, time: string, extra: Record<string, unknown> = {}) => ({
  event_id: id,
  site_id: siteId,
  event_type: 'page',
  event_time: new Date(time),
  received_at: new Date(time),
  is_bot: false,
  asn: 64512,
  ...extra,
});
const byDay = (row: Readonly<Record<string, unknown>>) => ({
  site_id: String(row.site_id),
  dt: (row.event_time as Date).toISOString().slice(0, 10),
});

describe('Analytics contract: DuckDB over the local Parquet lake', () => {
  let cleanup: () => void;
  let store: ObjectStore;
  let analytics: Analytics;

  beforeEach(async () => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    store = createLocalObjectStore({ root: temp.dir });
    analytics = await createDuckDbAnalytics({ lakeDir: temp.dir });
  });
  afterEach(async () => {
    await analytics.close();
    cleanup();
  });

  it('answers queries on a lake table that has no files yet with no rows', async () => {
    const result = await analytics.query('select count(*) as n from events');
    expect(result.rows).toEqual([{ n: 0 }]);
  });

  it('reads rows written as Parquet, with the partitions as string columns', async () => {
    await writeLakeRows(
      store,
      eventsTable,
      [event('e1', 's1', '2026-01-01T10:00:00Z'), event('e2', 's1', '2026-01-02T10:00:00Z')],
      'batch-1',
      byDay,
    );
    const result = await analytics.query('select event_id, site_id, dt, asn, is_bot from events order by event_id');
    expect(result.rows).toEqual([
      { event_id: 'e1', site_id: 's1', dt: '2026-01-01', asn: 64512, is_bot: false },
      { event_id: 'e2', site_id: 's1', dt: '2026-01-02', asn: 64512, is_bot: false },
    ]);
    expect(result.columns.map((c) => c.name)).toEqual(['event_id', 'site_id', 'dt', 'asn', 'is_bot']);
  });

  it('sees files written after the first query', async () => {
    await analytics.query('select count(*) from events');
    await writeLakeRows(store, eventsTable, [event('late', 's1', '2026-01-01T00:00:00Z')], 'b', byDay);
    expect((await analytics.query('select count(*) as n from events')).rows).toEqual([{ n: 1 }]);
  });

  it('binds ? parameters in order', async () => {
    await writeLakeRows(
      store,
      eventsTable,
      [event('a', 's1', '2026-01-01T00:00:00Z'), event('b', 's2', '2026-01-01T00:00:00Z')],
      'b',
      byDay,
    );
    const result = await analytics.query('select event_id from events where site_id = ? and dt = ?', {
      params: ['s2', '2026-01-01'],
    });
    expect(result.rows).toEqual([{ event_id: 'b' }]);
  });

  it('stops at maxRows', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => event(`e${i}`, 's', '2026-01-01T00:00:00Z'));
    await writeLakeRows(store, eventsTable, rows, 'b', byDay);
    expect((await analytics.query('select event_id from events', { maxRows: 7 })).rows).toHaveLength(7);
  });

  it('reports a query error as a StorageError carrying the engine message', async () => {
    await expect(analytics.query('select nope from events')).rejects.toThrow(/nope/);
  });
});
