/**
 * Daily uniques over the local lake: writes N synthetic events (default 1,000,000) for one site
 * over 30 days as Parquet with the real lake writer, then runs the `daily-pageviews-and-visitors`
 * named query through `createDuckDbAnalytics`, as `sightline query --engine athena` does. The
 * target is under 1 s for 1,000,000 events. Prints write time, the first (cold) query and the
 * median of the warm ones.
 *
 * The queries run in a fresh child process, as the CLI would: in the writing process, V8 is still
 * collecting the million row objects and takes CPU from DuckDB on a small machine.
 *
 * Run: npx tsx bench/athena-daily-uniques.bench.ts [count]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDuckDbAnalytics } from '../lambdas/adapters/local/duckdb-analytics';
import { createLocalObjectStore } from '../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../lambdas/adapters/local/parquet-lake-sink';
import { LOCAL_DATABASE } from '../lambdas/lake/named-queries';
import { runNamedQuery } from '../lambdas/lake/named-query-runner';
import { eventsTable } from '../lambdas/lake/tables';

const COUNT = Number(process.argv[2] ?? 1_000_000);
const DAYS = 30;
const VISITORS = 120_000;
/** Rows per lake write: one Parquet file per day partition per batch, as Firehose buffers produce. */
const BATCH = 100_000;
const WARM_RUNS = 7;
const START = Date.UTC(2026, 2, 1);

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const next = random(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;

const PATHS = ['/', '/pricing', '/blog', '/blog/post-1', '/blog/post-2', '/docs', '/docs/api', '/signup', '/about'];
const TYPES = ['page', 'page', 'page', 'page', 'page', 'page', 'engagement', 'scroll', 'click', 'track'];
const BROWSERS = ['Chrome', 'Safari', 'Firefox', 'Edge', 'Mobile Safari'];
const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'IN', 'BR', 'JP'];
const CHANNELS = ['Direct', 'Organic Search', 'Paid Search', 'Referral', 'Organic Social', 'Email'];

function syntheticEvent(i: number): Record<string, unknown> {
  const visitor = Math.floor(next() * VISITORS);
  const cookieless = visitor % 10 === 0;
  const time = new Date(START + Math.floor(next() * DAYS * 86_400_000));
  const type = pick(TYPES);
  return {
    event_id: `e${i}`,
    site_id: 'bench-site',
    organization_id: 'bench-org',
    event_type: type,
    event_name: type === 'track' ? 'signup' : null,
    event_time: time,
    received_at: time,
    source: 'tracker',
    anonymous_id: cookieless ? null : `v${visitor}`,
    session_id: cookieless ? null : `s${visitor}-${time.getUTCDate()}`,
    cookieless,
    path: pick(PATHS),
    hostname: 'shop.example.com',
    referrer_type: 'direct',
    channel: pick(CHANNELS),
    ip: `10.${visitor >> 16}.${(visitor >> 8) & 255}.0`,
    user_agent: `Mozilla/5.0 ${pick(BROWSERS)}/${120 + (visitor % 6)}`,
    browser: pick(BROWSERS),
    country: pick(COUNTRIES),
    device_type: visitor % 3 === 0 ? 'mobile' : 'desktop',
    is_bot: next() < 0.02,
    dt: time.toISOString().slice(0, 10),
  };
}

function directorySize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}

async function main(): Promise<void> {
  const lakeDir = mkdtempSync(join(tmpdir(), 'sightline-bench-lake-'));
  try {
    const sink = createParquetLakeSink(createLocalObjectStore({ root: lakeDir }));
    const writeStart = performance.now();
    for (let offset = 0; offset < COUNT; offset += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, COUNT - offset) }, (_, i) => syntheticEvent(offset + i));
      await sink.write(eventsTable, rows, `batch-${offset}`);
    }
    const writeMs = performance.now() - writeStart;
    const { files, bytes } = directorySize(lakeDir);
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    );
    console.log(`node ${process.version}; DuckDB capped at 2 threads, 512 MB (createDuckDbAnalytics defaults)`);
    console.log(`lake: ${DAYS} days, ${files} Parquet files, ${(bytes / 2 ** 20).toFixed(1)} MiB`);
    console.log(
      `write: ${(writeMs / 1000).toFixed(1)} s (${Math.round(COUNT / (writeMs / 1000)).toLocaleString('en')} rows/s)`,
    );
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, QUERY_MODE, lakeDir], {
      stdio: 'inherit',
    });
    if (child.status !== 0) process.exitCode = child.status ?? 1;
  } finally {
    rmSync(lakeDir, { recursive: true, force: true });
  }
}

/** The child: a fresh process's first query (views created, file footers read), then warm ones. */
async function queryLake(lakeDir: string): Promise<void> {
  const analytics = await createDuckDbAnalytics({ lakeDir });
  const values = { site_id: 'bench-site', from_date: '2026-03-01', to_date: '2026-03-30' };
  const timed = async () => {
    const start = performance.now();
    const { rows } = await runNamedQuery(analytics, 'daily-pageviews-and-visitors', values, {
      database: LOCAL_DATABASE,
    });
    return { ms: performance.now() - start, rows };
  };
  const cold = await timed();
  const warm: number[] = [];
  for (let run = 0; run < WARM_RUNS; run++) warm.push((await timed()).ms);
  await analytics.close();
  warm.sort((a, b) => a - b);
  const median = warm[Math.floor(warm.length / 2)] ?? Number.NaN;

  const events = await countEvents(lakeDir);
  const counted = cold.rows.reduce((sum, row) => sum + Number(row.pageviews), 0);
  console.log(
    `daily-pageviews-and-visitors over ${events.toLocaleString('en')} events: ${cold.rows.length} days, ${counted.toLocaleString('en')} human page views`,
  );
  console.log(`  cold (fresh process, first query): ${cold.ms.toFixed(0)} ms`);
  console.log(
    `  warm: median ${median.toFixed(0)} ms, min ${(warm[0] ?? 0).toFixed(0)} ms, max ${(warm.at(-1) ?? 0).toFixed(0)} ms over ${WARM_RUNS} runs`,
  );
  console.log(`  target < 1000 ms: ${cold.ms < 1000 && median < 1000 ? 'met' : 'MISSED'}`);
}

/** The events in the lake, to report what the query actually ran over. */
async function countEvents(lakeDir: string): Promise<number> {
  const analytics = await createDuckDbAnalytics({ lakeDir });
  try {
    const { rows } = await analytics.query('select count(*) as n from events');
    return Number(rows[0]?.n ?? 0);
  } finally {
    await analytics.close();
  }
}

const QUERY_MODE = '--query-lake';
const [mode, lakeArg] = process.argv.slice(2);
(mode === QUERY_MODE && lakeArg ? queryLake(lakeArg) : main()).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
