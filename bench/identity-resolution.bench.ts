/**
 * Identity resolution throughput: observations/s resolved (stitching, traits, soft signals, slim
 * events and sessions) from synthetic visitors with ground truth (most observations are returning
 * visitors confirming a known link), on embedded PGlite (one connection) and on a real PostgreSQL
 * server with 1 worker on input in event order and N workers (one connection each) on shuffled
 * input. Workers take batches of `batch` observations, as the SQS handler does (`resolveBatch`);
 * `batch=1` resolves one observation per transaction (`resolve`). Ends with the merge accuracy of
 * each run, so a fast wrong answer cannot pass for a result.
 *
 *   npx tsx bench/identity-resolution.bench.ts [people=1000] [workers=4] [batch=500]
 *
 * The PostgreSQL server is `DATABASE_URL` if set, else a throwaway one from Debian's `postgresql`.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
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

const people = Number(process.argv[2] ?? 1_000);
const workers = Number(process.argv[3] ?? 4);
const batchSize = Number(process.argv[4] ?? 500);

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
}

async function run(
  label: string,
  sql: Sql,
  pools: readonly Sql[],
  wrapper: DataKeyWrapper,
  order: 'in order' | 'shuffled',
): Promise<Run> {
  await migrateToLatest(sql);
  const tenantIds = { organizationId: randomUUID(), siteId: randomUUID() };
  await createTenant(sql, 'bench', tenantIds);
  const dataset = generateVisitors({ people, seed: 42, ...tenantIds });
  const input = order === 'shuffled' ? shuffled(dataset.observations, 7) : [...dataset.observations];
  let next = 0;
  let restitched = 0;
  let retries = 0;
  let failed = 0;
  const count = (resolution: Resolution) => {
    if (resolution.restitched) restitched++;
    retries += resolution.attempts - 1;
  };
  const started = performance.now();
  await Promise.all(
    pools.map(async (pool) => {
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
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
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
  };
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

  const pglite = await createPGliteSql();
  runs.push(await run('PGlite, 1 connection', pglite, [pglite], wrapper, 'in order'));
  await pglite.close();

  const binDir = process.env.DATABASE_URL ? undefined : findPostgresBinDir();
  const server = binDir ? await startPostgresServer(binDir) : undefined;
  const serverUrl = process.env.DATABASE_URL ?? server?.url;
  try {
    if (!serverUrl) {
      console.warn('no PostgreSQL server (set DATABASE_URL or apt-get install postgresql): PGlite only');
    } else {
      for (const [count, order] of [
        [1, 'in order'],
        [workers, 'shuffled'],
      ] as const) {
        const url = await freshDatabase(serverUrl);
        const sql = createPostgresSql({ connectionString: url, maxConnections: 2 });
        const pools = Array.from({ length: count }, () =>
          createPostgresSql({ connectionString: url, maxConnections: 1 }),
        );
        runs.push(await run(`PostgreSQL, ${count} worker${count > 1 ? 's' : ''}`, sql, pools, wrapper, order));
        for (const pool of pools) await pool.close();
        await sql.close();
      }
    }
  } finally {
    if (server) stopPostgresServer(server);
    keys.cleanup();
  }

  console.log(
    `identity resolution, ${people} synthetic people, batches of ${batchSize}, ${cpus().length} CPUs ` +
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
