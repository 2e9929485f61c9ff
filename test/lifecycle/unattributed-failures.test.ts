import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../../lambdas/adapters/local/parquet-lake-sink';
import { UNKNOWN_SITE_ID } from '../../lambdas/collection/collected-event';
import { failedEventsTable } from '../../lambdas/lake/tables';
import {
  expireUnattributedFailures,
  UNATTRIBUTED_FAILURE_RETENTION_DAYS,
} from '../../lambdas/lifecycle/unattributed-failures';
import { queryLake } from '../support/lake';
import { makeTempDir } from '../support/temp-dir';

const DAY = 86_400_000;
const NOW = new Date('2026-11-22T10:00:00Z');
const dayAgo = (n: number) => new Date(NOW.getTime() - n * DAY).toISOString().slice(0, 10);

describe('failed events that named no known site', () => {
  it(`are removed after ${UNATTRIBUTED_FAILURE_RETENTION_DAYS} days, while a site's failures are left to its own retention`, async () => {
    // Prepare
    const temp = makeTempDir('sightline-unattributed-');
    try {
      const lake = createLocalObjectStore({ root: `${temp.dir}/lake` });
      const sink = createParquetLakeSink(lake);
      for (const site of [UNKNOWN_SITE_ID, 'site-a']) {
        for (const age of [400, 31, 30, 1]) {
          const row = { failure_id: `${site}-${age}`, site_id: site, dt: dayAgo(age), reason: 'unknown_site' };
          await sink.write(failedEventsTable, [row], `batch-${age}`);
        }
      }

      // Act
      const expired = await expireUnattributedFailures(lake, NOW);
      const kept = await queryLake(temp.dir, 'select failure_id from failed_events order by failure_id');

      // Assess
      expect(expired.days).toEqual([dayAgo(400), dayAgo(31)]);
      expect(kept.map((r) => r.failure_id)).toEqual([
        'site-a-1',
        'site-a-30',
        'site-a-31',
        'site-a-400',
        'unknown-1',
        'unknown-30',
      ]);
    } finally {
      temp.cleanup();
    }
  });
});
