/**
 * One identity resolver in a thread of its own, as each Lambda runs in a process of its own: its
 * own connection, key wrapper and caches. It asks the benchmark's main thread for a batch, resolves
 * it, reports how it went, and asks again until there are none left.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLocalKeyWrapper } from '../lambdas/adapters/local/local-key-wrapper';
import { createPostgresSql } from '../lambdas/adapters/sql/create-sql';
import { createOrganizationKeyring } from '../lambdas/identity/crypto/organization-keys';
import type { IdentityObservation } from '../lambdas/identity/observation';
import { createResolver } from '../lambdas/identity/resolver';

export interface WorkerInput {
  readonly url: string;
  readonly masterKeyPath: string;
}

/** What a worker reports per batch; `batch: null` from the main thread means stop. */
export interface BatchReport {
  readonly restitched: number;
  readonly retries: number;
  readonly failed: number;
}

const port = parentPort;
if (!port) throw new Error('identity-resolution-worker runs as a worker thread');
const { url, masterKeyPath } = workerData as WorkerInput;
const sql = createPostgresSql({ connectionString: url, maxConnections: 1 });
const resolver = createResolver({
  sql,
  keyring: createOrganizationKeyring(sql, createLocalKeyWrapper({ path: masterKeyPath })),
});

port.on('message', async ({ batch }: { batch: IdentityObservation[] | null }) => {
  if (batch === null) {
    await sql.close();
    port.close();
    return;
  }
  const report = { restitched: 0, retries: 0, failed: 0 };
  for (const outcome of await resolver.resolveBatch(batch)) {
    if (!outcome.ok) {
      report.failed++;
      continue;
    }
    if (outcome.resolution.restitched) report.restitched++;
    report.retries += outcome.resolution.attempts - 1;
  }
  port.postMessage(report satisfies BatchReport);
});
port.postMessage(null); // ready
