import { createLocalObjectStore } from '../../../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../../../lambdas/adapters/local/parquet-lake-sink';
import { eventsTable } from '../../../lambdas/lake/tables';
import { FIXTURE, fixtureRows } from '../../athena/fixture-lake';

/** The named queries' fixture (see `test/athena/fixture-lake.ts`), re-homed to a real site id. */
export const RANGE = { from: FIXTURE.fromDate, to: FIXTURE.toDate } as const;

/**
 * Writes the Athena fixture's events into the lake as site `siteId` (its other site stays
 * `s2`), with the real Parquet lake sink.
 */
export async function writeFixtureEvents(lakeDir: string, siteId: string): Promise<void> {
  const rows = fixtureRows().map((row) => (row.site_id === FIXTURE.siteId ? { ...row, site_id: siteId } : row));
  await createParquetLakeSink(createLocalObjectStore({ root: lakeDir })).write(eventsTable, rows, 'fixture');
}

/** Writes events received `secondsAgo` before `now` (for realtime). */
export async function writeRecentEvents(
  lakeDir: string,
  siteId: string,
  now: number,
  events: readonly { id: string; visitor: string; path: string; secondsAgo: number }[],
): Promise<void> {
  const rows = events.map((e) => {
    const at = new Date(now - e.secondsAgo * 1000);
    return {
      event_id: e.id,
      site_id: siteId,
      organization_id: 'o1',
      event_type: 'page',
      event_time: at,
      received_at: at,
      source: 'tracker',
      anonymous_id: e.visitor,
      session_id: `${e.visitor}-s`,
      path: e.path,
      is_bot: false,
      country: 'DE',
      browser: 'Chrome',
      dt: at.toISOString().slice(0, 10),
    };
  });
  await createParquetLakeSink(createLocalObjectStore({ root: lakeDir })).write(eventsTable, rows, `recent-${now}`);
}
