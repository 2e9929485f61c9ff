import { createLakeReader } from '../../lambdas/api/stats/lake-reader';
import type { Analytics, AnalyticsResult } from '../../lambdas/ports/analytics';

describe('report answers reused for a short while', () => {
  const counting = () => {
    let queries = 0;
    let rows = 1;
    const analytics: Analytics = {
      async query(): Promise<AnalyticsResult> {
        queries++;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { columns: [{ name: 'n', type: 'BIGINT' }], rows: [{ n: rows }] };
      },
      async close() {},
    };
    return { analytics, queries: () => queries, setRows: (n: number) => (rows = n) };
  };

  it('runs one query for concurrent identical questions', async () => {
    // Prepare
    const lake = counting();
    const reader = createLakeReader({ analytics: lake.analytics, database: 'main', cacheMs: 10_000 });

    // Act
    const answers = await Promise.all([1, 2, 3].map(() => reader.sql('SELECT 1 AS n FROM {{database}}.events', ['s'])));

    // Assess
    expect(lake.queries()).toBe(1);
    expect(answers).toEqual([[{ n: 1 }], [{ n: 1 }], [{ n: 1 }]]);
  });

  it('answers again from the lake once the answer is older than the cache time', async () => {
    // Prepare
    let now = 0;
    const lake = counting();
    const reader = createLakeReader({ analytics: lake.analytics, database: 'main', cacheMs: 10_000, now: () => now });
    await reader.sql('SELECT 1', []);
    lake.setRows(2);

    // Act
    now = 9_000;
    const within = await reader.sql('SELECT 1', []);
    now = 20_000;
    const after = await reader.sql('SELECT 1', []);

    // Assess
    expect(within).toEqual([{ n: 1 }]);
    expect(after).toEqual([{ n: 2 }]);
    expect(lake.queries()).toBe(2);
  });

  it('keeps nothing when the cache time is zero, and never keeps a failure', async () => {
    // Prepare
    let fail = true;
    const analytics: Analytics = {
      async query() {
        if (fail) throw new Error('lake unavailable');
        return { columns: [], rows: [{ ok: true }] };
      },
      async close() {},
    };
    const reader = createLakeReader({ analytics, database: 'main', cacheMs: 10_000 });

    // Act
    const first = await reader.sql('SELECT 1', []).catch((error: Error) => error.message);
    fail = false;
    const second = await reader.sql('SELECT 1', []);

    // Assess
    expect(first).toBe('lake unavailable');
    expect(second).toEqual([{ ok: true }]);
  });
});
