import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';

export interface BenchRuntime {
  readonly dataDir: string;
  readonly url: string;
  readonly port: number;
  /** The demo site's public key, from the first start's admin.json. */
  readonly siteKey: string;
  /** Stops the runtime (Ctrl-C) and deletes its data directory. */
  stop(): Promise<void>;
}

/**
 * `sightline start` in a child process over a fresh data directory, as a user runs it; with
 * `BENCH_CPU_PROF=<dir>` it writes a CPU profile there when stopped.
 */
export async function startBenchRuntime(prefix: string): Promise<BenchRuntime> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...profile, resolve(__dirname, '..', '..', 'bin', 'sightline.js'), 'start'],
    { env: { ...process.env, SIGHTLINE_DATA_DIR: dataDir, PORT: '0' }, stdio: 'ignore' },
  );
  const stop = async () => {
    const exited = child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const runtimeFile = join(dataDir, 'runtime.json');
    while (!existsSync(runtimeFile)) await new Promise((r) => setTimeout(r, 100));
    const { url, port } = JSON.parse(readFileSync(runtimeFile, 'utf8')) as { url: string; port: number };
    const { demoSite } = JSON.parse(readFileSync(join(dataDir, 'admin.json'), 'utf8')) as {
      demoSite: { siteKey: string };
    };
    return { dataDir, url, port, siteKey: demoSite.siteKey, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Polls the lake until `expected` events match `where` (or `attempts` × 0.5 s pass): returns how
 * many are stored and the seconds it took.
 */
export async function waitForLakeCount(
  dataDir: string,
  where: string,
  expected: number,
  attempts = 1200,
): Promise<{ stored: number; seconds: number }> {
  const analytics = await createDuckDbAnalytics({ lakeDir: join(dataDir, 'lake') });
  const started = performance.now();
  let stored = 0;
  try {
    for (let i = 0; i < attempts && stored < expected; i++) {
      const { rows } = await analytics.query(`select count(*) as n from events where ${where}`);
      stored = Number(rows[0]?.n ?? 0);
      if (stored < expected) await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await analytics.close();
  }
  return { stored, seconds: (performance.now() - started) / 1000 };
}
