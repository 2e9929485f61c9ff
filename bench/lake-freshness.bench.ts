/**
 * How soon an acknowledged event is queryable in the local lake (target: within 5 s): starts
 * `sightline start` over a fresh data directory, then, one at a time, posts a page view to `/e`,
 * notes when the 202 arrived, and polls the lake with DuckDB every 50 ms until the event is there.
 * Prints p50 / p95 / max of acknowledgement → queryable.
 *
 *   npx tsx bench/lake-freshness.bench.ts [events=20]
 */

import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createDuckDbAnalytics } from '../lambdas/adapters/local/duckdb-analytics';
import { startBenchRuntime } from './support/bench-runtime';

const EVENTS = Number(process.argv[2] ?? 20);
const TARGET_MS = 5_000;
const GIVE_UP_MS = 30_000;

async function main() {
  const runtime = await startBenchRuntime('sightline-freshness-');
  const analytics = await createDuckDbAnalytics({ lakeDir: join(runtime.dataDir, 'lake') });
  const load = loadavg().map((n) => n.toFixed(2));
  const latencies: number[] = [];
  try {
    for (let i = 0; i < EVENTS; i++) {
      const id = `fresh-${Date.now()}-${i}`;
      const body = {
        site: runtime.siteKey,
        sdk: 'bench',
        events: [{ id, type: 'page', ts: Date.now(), aid: `v${i}`, url: `http://localhost/p/${i}` }],
      };
      const response = await fetch(`${runtime.url}/e`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': 'Mozilla/5.0 Chrome/124.0' },
        body: JSON.stringify(body),
      });
      if (response.status !== 202) throw new Error(`collector answered ${response.status}: ${await response.text()}`);
      const acknowledged = performance.now();
      for (;;) {
        const { rows } = await analytics.query('select count(*) as n from events where event_id = ?', { params: [id] });
        if (Number(rows[0]?.n ?? 0) > 0) break;
        if (performance.now() - acknowledged > GIVE_UP_MS) throw new Error(`${id} not in the lake after 30 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
      latencies.push(performance.now() - acknowledged);
    }
  } finally {
    await analytics.close();
    await runtime.stop();
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  console.log(`acknowledged → queryable, ${EVENTS} events one at a time (load ${load.join(' ')})`);
  console.log(
    `  p50 ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms; target < ${TARGET_MS} ms: ${(sorted.at(-1) ?? 0) < TARGET_MS ? 'met' : 'MISSED'}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
