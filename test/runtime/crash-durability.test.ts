import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { makeTempDir } from '../support/temp-dir';

const bin = resolve(__dirname, '..', '..', 'bin', 'sightline.js');

function startProcess(dataDir: string): ChildProcess {
  return spawn(process.execPath, [bin, 'start'], {
    env: { ...process.env, SIGHTLINE_DATA_DIR: dataDir, PORT: '0' },
    stdio: 'ignore',
  });
}

async function waitForRuntime(dataDir: string, pid: number): Promise<{ url: string }> {
  const file = join(dataDir, 'runtime.json');
  for (let i = 0; i < 240; i++) {
    if (existsSync(file)) {
      const runtime = JSON.parse(readFileSync(file, 'utf8')) as { url: string; pid: number };
      if (runtime.pid === pid) return runtime;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('runtime did not start');
}

describe('crash durability of npm start', () => {
  it('loses none of the events it acknowledged when killed with -9 mid-stream', async () => {
    // Prepare: a running process and a steady flow of acknowledged events.
    const { dir, cleanup } = makeTempDir('sightline-crash-');
    try {
      const first = startProcess(dir);
      const { url } = await waitForRuntime(dir, first.pid as number);
      const admin = JSON.parse(readFileSync(join(dir, 'admin.json'), 'utf8')) as { demoSite: { siteKey: string } };
      const acknowledged: string[] = [];
      const send = async (batch: number) => {
        const events = Array.from({ length: 20 }, (_, i) => ({
          id: `crash-${batch}-${i}`,
          type: 'page',
          ts: Date.now(),
          aid: `visitor-${i % 7}`,
          url: `http://localhost/page-${i}`,
        }));
        const response = await fetch(`${url}/e`, {
          method: 'POST',
          body: JSON.stringify({ site: admin.demoSite.siteKey, events }),
        });
        if (response.status === 202) acknowledged.push(...events.map((e) => e.id));
      };

      // Act: kill -9 while requests are still being sent and enrichment is catching up.
      const inFlight: Promise<void>[] = [];
      for (let batch = 0; batch < 40; batch++) inFlight.push(send(batch).catch(() => undefined));
      await Promise.all(inFlight.slice(0, 25));
      // Listen before killing: the exit may come before the requests in flight settle.
      const firstExited = new Promise((r) => first.once('exit', r));
      first.kill('SIGKILL');
      await Promise.all(inFlight);
      await firstExited;
      expect(acknowledged.length).toBeGreaterThanOrEqual(25 * 20);

      const second = startProcess(dir);
      await waitForRuntime(dir, second.pid as number);
      const analytics = await createDuckDbAnalytics({ lakeDir: join(dir, 'lake') });
      let stored = new Set<string>();
      for (let i = 0; i < 120 && acknowledged.some((id) => !stored.has(id)); i++) {
        await new Promise((r) => setTimeout(r, 500));
        const { rows } = await analytics.query("select distinct event_id from events where event_id like 'crash-%'", {
          maxRows: 100_000,
        });
        stored = new Set(rows.map((r) => String(r.event_id)));
      }
      await analytics.close();
      const secondExited = new Promise((r) => second.once('exit', r));
      second.kill('SIGINT');
      await secondExited;

      // Assess: every acknowledged event reached the lake, exactly once per id.
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      cleanup();
    }
  }, 180_000);
});
