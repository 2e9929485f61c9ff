/**
 * Collector throughput under wrk (a lighter load generator than Node's): starts `sightline start`
 * over a fresh data directory, warms it up, runs `wrk` with bench/collector-wrk.lua (10 tracker
 * events per request), then waits for the lake and counts the rows: every acknowledged event must
 * be there. Set BENCH_CPU_PROF=<dir> to profile the runtime.
 *
 *   npx tsx bench/collector-wrk.bench.ts [seconds=15] [connections=64] [threads=1]
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { startBenchRuntime, waitForLakeCount } from './support/bench-runtime';

const seconds = Number(process.argv[2] ?? 15);
const connections = Number(process.argv[3] ?? 64);
const threads = Number(process.argv[4] ?? 1);
const EVENTS_PER_REQUEST = 10;
const wrkBinary = process.env.WRK ?? '/usr/bin/wrk';

async function main() {
  const runtime = await startBenchRuntime('sightline-wrk-');
  try {
    const script = resolve(__dirname, 'collector-wrk.lua');
    const run = (duration: number, tag: string) =>
      promisify(execFile)(
        wrkBinary,
        [`-t${threads}`, `-c${connections}`, `-d${duration}s`, '-s', script, '--latency', runtime.url],
        { env: { ...process.env, SITE_KEY: runtime.siteKey, RUN_TAG: tag } },
      );
    const warm = summary((await run(2, 'warm')).stdout);
    const load = loadavg().map((n) => n.toFixed(2));
    const { stdout } = await run(seconds, 'run');
    const measured = summary(stdout);
    console.log(stdout.trim());
    const acknowledged = (warm.acknowledged + measured.acknowledged) * EVENTS_PER_REQUEST;
    console.log(`load average before the run: ${load.join(' ')}`);
    console.log(
      `throughput: ${Math.round((measured.acknowledged * EVENTS_PER_REQUEST) / seconds)} events/s acknowledged`,
    );

    const { stored, seconds: drain } = await waitForLakeCount(runtime.dataDir, "event_id like 'w-%'", acknowledged);
    // Requests cut off when wrk stops may be stored without being acknowledged: more is fine, fewer is loss.
    const lost = Math.max(0, acknowledged - stored);
    console.log(
      `lake: ${stored} stored, ${acknowledged} acknowledged (warm-up included), lost ${lost} (${drain.toFixed(1)} s to drain)`,
    );
    if (lost > 0) process.exitCode = 1;
  } finally {
    await runtime.stop();
  }
}

function summary(stdout: string): { acknowledged: number } {
  const line = /wrk-summary requests=(\d+) non2xx=(\d+)/.exec(stdout);
  if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
  return { acknowledged: Number(line[1]) - Number(line[2]) };
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
