/**
 * Identity resolution throughput: observations/s resolved (stitching, traits, soft signals, slim
 * events and sessions) from synthetic visitors with ground truth (most observations are returning
 * visitors confirming a known link), on embedded PGlite (one connection) and on a real PostgreSQL
 * server with 1 worker on input in event order, N workers (one connection each) on shuffled input
 * and N workers taking consecutive batches of the input in event order (as concurrent Lambdas take
 * an SQS queue fed in order). Workers take batches of `batch` observations, as the SQS handler does (`resolveBatch`);
 * `batch=1` resolves one observation per transaction (`resolve`). Ends with the merge accuracy of
 * each run, so a fast wrong answer cannot pass for a result.
 *
 *   npx tsx bench/identity-resolution.bench.ts [people=1000] [workers=4] [batch=500] [seed=42] [runs=pglite,postgres,workers]
 *
 * The PostgreSQL server is `DATABASE_URL` if set, else a throwaway one from Debian's `postgresql`.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { sql as raw } from 'kysely';
import pg from 'pg';
import { createLocalKeyWrapper } from '../lambdas/adapters/local/local-key-wrapper';
import { createPGliteSql, createPostgresSql } from '../lambdas/adapters/sql/create-sql';
import { migrateToLatest } from '../lambdas/db/migrate';
import { createOrganizationKeyring } from '../lambdas/identity/crypto/organization-keys';
import type { IdentityObservation } from '../lambdas/identity/observation';
import { createResolver, type Resolution } from '../lambdas/identity/resolver';
import type { DataKeyWrapper } from '../lambdas/ports/key-wrapper';
import type { Sql } from '../lambdas/ports/sql';
import { createTenant } from '../test/identity/support/identity-fixture';
import { mergeAccuracy, resolvedPartition } from '../test/identity/support/resolved-partition';
import { generateVisitors, shuffled } from '../test/identity/support/synthetic-visitors';
import { findPostgresBinDir, startPostgresServer, stopPostgresServer } from '../test/support/postgres-server';
import { makeTempDir } from '../test/support/temp-dir';
import type { BatchReport, WorkerInput } from './identity-resolution-worker';

const people = Number(process.argv[2] ?? 1_000);
const workers = Number(process.argv[3] ?? 4);
const batchSize = Number(process.argv[4] ?? 500);
/** The synthetic visitors' seed (the accuracy printed is that of this stream). */
const seed = Number(process.argv[5] ?? 42);
/**
 * Which runs: any of `pglite`, `postgres` (1 worker, in order), `workers` (N workers sharing this
 * process's one thread, shuffled), `ordered` (N workers sharing it, in order), `threads` (N workers
 * in threads of their own, shuffled); with `warm`, the PostgreSQL runs follow an untimed warm-up
 * (`warmUp`);
 * with `history` (or `neighbour`), each run's database first holds another site's stream as large, of
 * the same organization (or of another one: `resolveHistory`).
 */
const only = new Set((process.argv[6] ?? 'pglite,postgres,workers').split(','));

interface Run {
  readonly label: string;
  readonly observations: number;
  readonly seconds: number;
  readonly restitched: number;
  readonly retries: number;
  readonly precision: number;
  readonly deterministicRecall: number;
  readonly recall: number;
  readonly failed: number;
  /** CPU seconds of this Node process (for PGlite, the database too) and of the PostgreSQL server's processes. */
  readonly nodeCpu: number;
  readonly serverCpu: number | undefined;
}

/** User + system CPU seconds of every `postgres` process on the machine (Linux `/proc`), or undefined elsewhere. */
function postgresCpuSeconds(): number | undefined {
  let ticks = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    }
  } catch {
    return undefined;
  }
  return ticks / 100; // USER_HZ
}

async function run(
  label: string,
  sql: Sql,
  pools: readonly Sql[] | { readonly threads: number; readonly worker: WorkerInput },
  wrapper: DataKeyWrapper,
  order: 'in order' | 'shuffled',
): Promise<Run> {
  await migrateToLatest(sql);
  const tenantIds = { organizationId: randomUUID(), siteId: randomUUID() };
  await createTenant(sql, 'bench', tenantIds);
  const dataset = generateVisitors({ people, seed, ...tenantIds });
  if (only.has('history')) await resolveHistory(sql, wrapper, tenantIds.organizationId);
  if (only.has('neighbour')) await resolveHistory(sql, wrapper);
  const input = order === 'shuffled' ? shuffled(dataset.observations, 7) : [...dataset.observations];
  let next = 0;
  let restitched = 0;
  let retries = 0;
  let failed = 0;
  const count = (resolution: Resolution) => {
    if (resolution.restitched) restitched++;
    retries += resolution.attempts - 1;
  };
  const threads = 'threads' in pools ? await startThreads(pools.threads, pools.worker) : [];
  const serverCpuBefore = sql.engine === 'pglite' ? undefined : postgresCpuSeconds();
  const nodeCpuBefore = process.cpuUsage();
  const started = performance.now();
  const inThreads = threads.map(async (thread) => {
    for (;;) {
      const batch = next < input.length ? input.slice(next, next + batchSize) : null;
      next += batch?.length ?? 0;
      if (batch === null) return;
      const report = await thread.resolve(batch);
      restitched += report.restitched;
      retries += report.retries;
      failed += report.failed;
    }
  });
  const inThisThread = ('threads' in pools ? [] : pools).map(async (pool) => {
    const resolver = createResolver({ sql: pool, keyring: createOrganizationKeyring(pool, wrapper) });
    while (next < input.length) {
      const batch = input.slice(next, next + batchSize);
      next += batch.length;
      if (batchSize === 1) {
        count(await resolver.resolve(batch[0] as IdentityObservation));
        continue;
      }
      for (const outcome of await resolver.resolveBatch(batch)) {
        if (outcome.ok) count(outcome.resolution);
        else failed++;
      }
    }
  });
  await Promise.all([...inThreads, ...inThisThread]);
  const seconds = (performance.now() - started) / 1_000;
  const nodeCpuUsed = process.cpuUsage(nodeCpuBefore);
  const serverCpuAfter = serverCpuBefore === undefined ? undefined : postgresCpuSeconds();
  await Promise.all(threads.map((thread) => thread.stop())); // after: their backends' CPU leaves with them
  const keyring = createOrganizationKeyring(sql, wrapper);
  const accuracy = mergeAccuracy(
    await resolvedPartition(sql, keyring, tenantIds, dataset.truth.keys()),
    dataset.truth,
    dataset.evidence,
  );
  return {
    label: `${label}, ${order}`,
    observations: input.length,
    seconds,
    restitched,
    retries,
    precision: accuracy.precision,
    deterministicRecall: accuracy.deterministicRecall,
    recall: accuracy.recall,
    failed,
    nodeCpu: (nodeCpuUsed.user + nodeCpuUsed.system) / 1e6,
    serverCpu:
      serverCpuBefore === undefined || serverCpuAfter === undefined ? undefined : serverCpuAfter - serverCpuBefore,
  };
}

/**
 * A database that has been running: another site of the organization (or, without one, of another
 * organization: `neighbour`) with a stream as large as the timed one, resolved untimed, then
 * `ANALYZE`d as autovacuum would have, so the timed run's statements are planned for tables that
 * hold data rather than for empty ones (with `neighbour`, statistics that know only the other
 * organization, as after a new organization's first events).
 */
async function resolveHistory(sql: Sql, wrapper: DataKeyWrapper, organizationId?: string): Promise<void> {
  const owner = organizationId ?? (await createTenant(sql, 'neighbour')).organizationId;
  const site = await sql.db
    .insertInto('sites')
    .values({
      organization_id: owner,
      name: 'history',
      domain: 'history.example',
      site_key: `history-${randomUUID()}`,
      write_key_hash: 'hash-history',
      allowed_origins: '[]',
      settings: '{}',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { observations } = generateVisitors({ people, seed: seed + 2, organizationId: owner, siteId: site.id });
  const resolver = createResolver({ sql, keyring: createOrganizationKeyring(sql, wrapper) });
  for (let at = 0; at < observations.length; at += 500) await resolver.resolveBatch(observations.slice(at, at + 500));
  await raw`analyze`.execute(sql.db);
}

interface ResolverThread {
  resolve(batch: readonly IdentityObservation[]): Promise<BatchReport>;
  stop(): Promise<void>;
}

/** `count` resolver threads (`identity-resolution-worker.ts`), each ready (connected, modules loaded). */
async function startThreads(count: number, input: WorkerInput): Promise<ResolverThread[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      // A TypeScript worker: tsx's require hook registered first, as `npx tsx` does for this thread.
      const worker = new Worker(
        `require('tsx/cjs/api').register(); require(${JSON.stringify(join(__dirname, 'identity-resolution-worker.ts'))});`,
        { eval: true, workerData: input },
      );
      const nextMessage = () =>
        new Promise<BatchReport | null>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        });
      await nextMessage();
      return {
        resolve: (batch) => {
          const report = nextMessage();
          worker.postMessage({ batch });
          return report as Promise<BatchReport>;
        },
        stop: () =>
          new Promise<void>((resolve) => {
            worker.once('exit', () => resolve());
            worker.postMessage({ batch: null });
          }),
      } satisfies ResolverThread;
    }),
  );
}

/** Untimed streams resolved by `warmUp` before the timed runs. */
const WARM_UP_STREAMS = 3;

/**
 * Resolves other streams as large as the timed one (other seeds and tenant, a database of their own)
 * untimed, so that the runs measure this process as a busy Lambda container runs it: its code
 * compiled by V8's optimizing compiler rather than being compiled meanwhile. After one quarter-size
 * stream (as before), V8 still spent ~1.3 s on background threads compiling during the timed run,
 * half of the Node process's CPU; after three full-size streams, ~0.4 s.
 */
async function warmUp(serverUrl: string, wrapper: DataKeyWrapper): Promise<void> {
  const sql = createPostgresSql({ connectionString: await freshDatabase(serverUrl), maxConnections: 1 });
  try {
    await migrateToLatest(sql);
    const resolver = createResolver({ sql, keyring: createOrganizationKeyring(sql, wrapper) });
    for (let stream = 1; stream <= WARM_UP_STREAMS; stream++) {
      // A tenant each: the generator's streams share identifiers (phones, e-mails) across seeds.
      const tenantIds = { organizationId: randomUUID(), siteId: randomUUID() };
      await createTenant(sql, `warm-up-${stream}`, tenantIds);
      const { observations } = generateVisitors({ people, seed: seed + stream, ...tenantIds });
      for (let next = 0; next < observations.length; next += batchSize) {
        await resolver.resolveBatch(observations.slice(next, next + batchSize));
      }
    }
  } finally {
    await sql.close();
  }
}

async function freshDatabase(serverUrl: string): Promise<string> {
  const name = `bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function main() {
  const keys = makeTempDir('sightline-bench-keys-');
  const wrapper = createLocalKeyWrapper({ path: join(keys.dir, 'master.key') });
  const runs: Run[] = [];

  if (only.has('pglite')) {
    const pglite = await createPGliteSql();
    runs.push(await run('PGlite, 1 connection', pglite, [pglite], wrapper, 'in order'));
    await pglite.close();
  }

  const binDir = process.env.DATABASE_URL ? undefined : findPostgresBinDir();
  const server = binDir ? await startPostgresServer(binDir) : undefined;
  const serverUrl = process.env.DATABASE_URL ?? server?.url;
  try {
    if (!serverUrl) {
      console.warn('no PostgreSQL server (set DATABASE_URL or apt-get install postgresql): PGlite only');
    } else {
      const serverRuns: [number, 'in order' | 'shuffled', boolean][] = [
        ...(only.has('postgres') ? [[1, 'in order', false] as const] : []),
        ...(only.has('workers') ? [[workers, 'shuffled', false] as const] : []),
        ...(only.has('ordered') ? [[workers, 'in order', false] as const] : []),
        ...(only.has('threads') ? [[workers, 'shuffled', true] as const] : []),
      ] as [number, 'in order' | 'shuffled', boolean][];
      if (only.has('warm') && serverRuns.length > 0) await warmUp(serverUrl, wrapper);
      for (const [count, order, inThreads] of serverRuns) {
        const url = await freshDatabase(serverUrl);
        const sql = createPostgresSql({ connectionString: url, maxConnections: 2 });
        const pools = inThreads
          ? []
          : Array.from({ length: count }, () => createPostgresSql({ connectionString: url, maxConnections: 1 }));
        const label = `PostgreSQL, ${count} worker${count > 1 ? 's' : ''}${inThreads ? ' in threads' : ''}`;
        const resolvers = inThreads
          ? { threads: count, worker: { url, masterKeyPath: join(keys.dir, 'master.key') } }
          : pools;
        runs.push(await run(label, sql, resolvers, wrapper, order));
        for (const pool of pools) await pool.close();
        await sql.close();
      }
    }
  } finally {
    if (server) stopPostgresServer(server);
    keys.cleanup();
  }

  console.log(
    `identity resolution, ${people} synthetic people (seed ${seed}), batches of ${batchSize}${only.has('warm') ? ', warmed up' : ''}${only.has('history') ? ', after a history' : ''}, ${cpus().length} CPUs ` +
      `(${cpus()[0]?.model ?? '?'}), load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
  );
  console.table(
    runs.map((r) => ({
      run: r.label,
      observations: r.observations,
      'obs/s': Math.round(r.observations / r.seconds),
      'ms/obs': ((r.seconds * 1_000) / r.observations).toFixed(2),
      'CPU s (node + server)': `${r.nodeCpu.toFixed(2)} + ${r.serverCpu === undefined ? '-' : r.serverCpu.toFixed(2)}`,
      'new or earlier links': `${((100 * r.restitched) / r.observations).toFixed(0)}%`,
      retries: r.retries,
      failed: r.failed,
      precision: r.precision.toFixed(3),
      'deterministic recall': r.deterministicRecall.toFixed(3),
      recall: r.recall.toFixed(3),
    })),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
