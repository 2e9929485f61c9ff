/**
 * Collector throughput: N requests of 10 tracker events each against a real `sightline start`
 * (a separate process over a fresh data directory), keep-alive connections, fixed concurrency.
 * Reports events/s and request latency percentiles, then waits for the lake and counts the
 * rows: every acknowledged event must be there.
 *
 *   npx tsx bench/collector-throughput.bench.ts [requests=20000] [concurrency=64]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDuckDbAnalytics } from '../lambdas/adapters/local/duckdb-analytics';

const requests = Number(process.argv[2] ?? 20_000);
const concurrency = Number(process.argv[3] ?? 64);
const EVENTS_PER_REQUEST = 10;

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-bench-'));
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, resolve(__dirname, '..', 'bin', 'sightline.js'), 'start'], {
    env: { ...process.env, SIGHTLINE_DATA_DIR: dataDir, PORT: '0' },
    stdio: 'ignore',
  });
  try {
    const runtimeFile = join(dataDir, 'runtime.json');
    while (!existsSync(runtimeFile)) await new Promise((r) => setTimeout(r, 100));
    const { port } = JSON.parse(readFileSync(runtimeFile, 'utf8')) as { port: number };
    const { demoSite } = JSON.parse(readFileSync(join(dataDir, 'admin.json'), 'utf8')) as {
      demoSite: { siteKey: string };
    };
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

    const send = (i: number) =>
      new Promise<number>((resolvePromise, reject) => {
        const events = Array.from({ length: EVENTS_PER_REQUEST }, (_, j) => ({
          id: `b-${i}-${j}`,
          type: j === 0 ? 'page' : 'track',
          name: j === 0 ? undefined : 'scroll_depth',
          ts: Date.now(),
          aid: `visitor-${i % 5000}`,
          sid: `session-${i % 5000}`,
          url: `http://localhost/p/${i % 100}?utm_source=bench`,
          ref: 'https://www.google.com/',
          props: j === 0 ? undefined : { percent: 25 },
        }));
        const body = JSON.stringify({ site: demoSite.siteKey, sdk: 'bench/1', sentAt: Date.now(), events });
        const started = performance.now();
        const req = request(
          {
            agent,
            port,
            host: '127.0.0.1',
            path: '/e',
            method: 'POST',
            headers: {
              'content-type': 'text/plain',
              'content-length': Buffer.byteLength(body),
              'user-agent':
                'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15',
              'x-forwarded-for': `81.2.69.${i % 250}`,
            },
          },
          (res) => {
            res.resume();
            res.on('end', () =>
              res.statusCode === 202
                ? resolvePromise(performance.now() - started)
                : reject(new Error(`status ${res.statusCode}`)),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });

    // Warm-up, then the measured run.
    await Promise.all(Array.from({ length: 200 }, (_, i) => send(-1 - i)));
    const latencies: number[] = [];
    let next = 0;
    let failed = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests) {
          const i = next++;
          try {
            latencies.push(await send(i));
          } catch (error) {
            if (failed++ === 0) console.error('first failure:', (error as Error).message);
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]?.toFixed(1);
    const acknowledged = latencies.length * EVENTS_PER_REQUEST;
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}`);
    console.log(`requests: ${requests} × ${EVENTS_PER_REQUEST} events, concurrency ${concurrency}, failed ${failed}`);
    console.log(
      `throughput: ${Math.round(acknowledged / seconds)} events/s (${Math.round(latencies.length / seconds)} req/s)`,
    );
    console.log(`latency ms: p50 ${pct(50)}  p95 ${pct(95)}  p99 ${pct(99)}  max ${pct(100)}`);

    const analytics = await createDuckDbAnalytics({ lakeDir: join(dataDir, 'lake') });
    const waitStarted = performance.now();
    let stored = 0;
    for (let i = 0; i < 600 && stored < acknowledged; i++) {
      const { rows } = await analytics.query("select count(*) as n from events where event_id not like 'b--%'");
      stored = Number(rows[0]?.n ?? 0);
      if (stored < acknowledged) await new Promise((r) => setTimeout(r, 500));
    }
    await analytics.close();
    console.log(
      `lake: ${stored} of ${acknowledged} acknowledged events stored (${((performance.now() - waitStarted) / 1000).toFixed(1)} s to drain)`,
    );
    if (stored !== acknowledged) process.exitCode = 1;
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
