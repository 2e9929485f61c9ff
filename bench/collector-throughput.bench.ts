/**
 * Collector throughput: N requests of 10 tracker events each against a real `sightline start`
 * (a separate process over a fresh data directory), keep-alive connections, fixed concurrency.
 * Reports events/s and request latency percentiles, then waits for the lake and counts the
 * rows: every acknowledged event must be there.
 *
 *   npx tsx bench/collector-throughput.bench.ts [requests=20000] [concurrency=64]
 */
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { startBenchRuntime, waitForLakeCount } from './support/bench-runtime';

const requests = Number(process.argv[2] ?? 20_000);
const concurrency = Number(process.argv[3] ?? 64);
const EVENTS_PER_REQUEST = 10;

async function main() {
  const runtime = await startBenchRuntime('sightline-bench-');
  const { port, siteKey } = runtime;
  try {
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
        const body = JSON.stringify({ site: siteKey, sdk: 'bench/1', sentAt: Date.now(), events });
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

    const { stored, seconds: drain } = await waitForLakeCount(
      runtime.dataDir,
      "event_id not like 'b--%'",
      acknowledged,
      600,
    );
    console.log(`lake: ${stored} of ${acknowledged} acknowledged events stored (${drain.toFixed(1)} s to drain)`);
    if (stored !== acknowledged) process.exitCode = 1;
  } finally {
    await runtime.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
