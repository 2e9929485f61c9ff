import { randomUUID } from 'node:crypto';
import { createPostgresSql } from '../../lambdas/adapters/sql/create-sql';
import { createOrganizationKeyring } from '../../lambdas/identity/crypto/organization-keys';
import type { IdentityObservation } from '../../lambdas/identity/observation';
import { createResolver } from '../../lambdas/identity/resolver';
import type { DataKeyWrapper } from '../../lambdas/ports/key-wrapper';
import type { Sql } from '../../lambdas/ports/sql';
import { createTenant, createTestKeyring, openDatabase } from './support/identity-fixture';
import { identityInvariantViolations } from './support/identity-invariants';
import { personContents } from './support/person-contents';
import { canonicalGroups, resolvedPartition } from './support/resolved-partition';
import { generateVisitors, shuffled } from './support/synthetic-visitors';

const WORKERS = 6;

/**
 * The proof that resolution is safe under concurrency in any order: several workers, each with its
 * own connection pool, resolve a shuffled copy of the input against a real PostgreSQL server, and end
 * with exactly the persons a single worker makes from the input in order.
 */
describe('identity resolution under concurrency on a PostgreSQL server', () => {
  const tenantIds = { organizationId: randomUUID(), siteId: randomUUID() };
  // Many families: computers shared by two signed-up people are where arrival order could decide who
  // keeps the computer's cookie, so the proof needs plenty of them.
  const dataset = generateVisitors({ people: 120, seed: 2026, familyRate: 0.5, ...tenantIds });
  const opened: Sql[] = [];
  const cleanups: (() => void)[] = [];

  afterAll(async () => {
    for (const sql of opened) await sql.close();
    for (const cleanup of cleanups) cleanup();
  });

  /**
   * A fresh database with the tenant, resolved by `workers` workers (separate pools) pulling from one
   * list, one observation at a time (`batch` 1) or in batches (`resolveBatch`).
   */
  const resolveWith = async (workers: number, observations: readonly IdentityObservation[], batch = 1) => {
    const { sql, url } = await openDatabase('PostgreSQL server');
    opened.push(sql);
    await createTenant(sql, 'concurrency', tenantIds);
    const keys = createTestKeyring(sql);
    cleanups.push(keys.cleanup);
    let next = 0;
    let retries = 0;
    const work = async (pool: Sql, wrapper: DataKeyWrapper) => {
      const resolver = createResolver({ sql: pool, keyring: createOrganizationKeyring(pool, wrapper) });
      while (next < observations.length) {
        const taken = observations.slice(next, next + batch);
        next += taken.length;
        if (batch === 1) {
          retries += (await resolver.resolve(taken[0] as IdentityObservation)).attempts - 1;
          continue;
        }
        for (const outcome of await resolver.resolveBatch(taken)) {
          if (!outcome.ok) throw outcome.error;
          retries += outcome.resolution.attempts - 1;
        }
      }
    };
    const pools = Array.from({ length: workers }, () =>
      createPostgresSql({ connectionString: url as string, maxConnections: 1 }),
    );
    opened.push(...pools);
    await Promise.all(pools.map((pool) => work(pool, keys.wrapper)));
    const partition = await resolvedPartition(sql, keys.keyring, tenantIds, dataset.truth.keys());
    const contents = await personContents(sql, keys.keyring, tenantIds);
    const { n: conflicts } = await sql.db
      .selectFrom('identity_conflicts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { sql, partition, contents, retries, conflicts };
  };

  it(`gives ${WORKERS} workers on shuffled input exactly the persons one worker makes in order`, async () => {
    // Prepare
    const inOrder = dataset.observations;
    const reordered = shuffled(dataset.observations, 99);

    // Act
    const single = await resolveWith(1, inOrder);
    const concurrent = await resolveWith(WORKERS, reordered);

    // Assess
    console.info(
      `${dataset.observations.length} observations, ${dataset.truth.size} identifiers; ` +
        `${new Set(single.partition.values()).size} persons, ${single.conflicts} conflicts; ` +
        `${concurrent.retries} retried transactions`,
    );
    expect(single.conflicts).toBeGreaterThan(5);
    expect(concurrent.conflicts).toBe(single.conflicts);
    expect(single.partition.size).toBe(dataset.truth.size);
    expect(canonicalGroups(concurrent.partition)).toEqual(canonicalGroups(single.partition));
    // The same persons with the same ids: each identifier's current person, id for id.
    expect(Object.fromEntries(concurrent.partition)).toEqual(Object.fromEntries(single.partition));
    // And each person holds the same traits and companies, however its merges came and went.
    expect(concurrent.contents).toEqual(single.contents);
    expect(await identityInvariantViolations(concurrent.sql, tenantIds.siteId)).toEqual([]);
    expect(await identityInvariantViolations(single.sql, tenantIds.siteId)).toEqual([]);
  }, 300_000);

  it(`gives ${WORKERS} workers resolving batches of shuffled input exactly the persons one worker makes in order`, async () => {
    // Prepare
    const reordered = shuffled(dataset.observations, 31);

    // Act
    const single = await resolveWith(1, dataset.observations);
    const batched = await resolveWith(WORKERS, reordered, 64);

    // Assess
    expect(batched.conflicts).toBe(single.conflicts);
    expect(batched.partition.size).toBe(dataset.truth.size);
    expect(canonicalGroups(batched.partition)).toEqual(canonicalGroups(single.partition));
    expect(Object.fromEntries(batched.partition)).toEqual(Object.fromEntries(single.partition));
    expect(batched.contents).toEqual(single.contents);
    expect(await identityInvariantViolations(batched.sql, tenantIds.siteId)).toEqual([]);
  }, 300_000);
});

/** The same proof on the embedded engine: workers interleave their transactions on its one connection. */
describe('identity resolution with interleaved workers on PGlite', () => {
  it('gives 4 interleaved workers on shuffled input the persons one worker makes in order', async () => {
    // Prepare
    const tenantIds = { organizationId: randomUUID(), siteId: randomUUID() };
    const dataset = generateVisitors({ people: 40, seed: 11, familyRate: 0.5, ...tenantIds });
    const run = async (workers: number, observations: readonly IdentityObservation[]) => {
      const { sql } = await openDatabase('PGlite (embedded)');
      await createTenant(sql, 'interleaved', tenantIds);
      const keys = createTestKeyring(sql);
      const resolver = createResolver({ sql, keyring: keys.keyring });
      let next = 0;
      await Promise.all(
        Array.from({ length: workers }, async () => {
          for (let i = next++; i < observations.length; i = next++) {
            await resolver.resolve(observations[i] as IdentityObservation);
          }
        }),
      );
      const partition = await resolvedPartition(sql, keys.keyring, tenantIds, dataset.truth.keys());
      const contents = await personContents(sql, keys.keyring, tenantIds);
      const violations = await identityInvariantViolations(sql, tenantIds.siteId);
      await sql.close();
      keys.cleanup();
      return { partition, contents, violations };
    };

    // Act
    const single = await run(1, dataset.observations);
    const interleaved = await run(4, shuffled(dataset.observations, 5));

    // Assess
    expect(single.partition.size).toBe(dataset.truth.size);
    expect(canonicalGroups(interleaved.partition)).toEqual(canonicalGroups(single.partition));
    expect(Object.fromEntries(interleaved.partition)).toEqual(Object.fromEntries(single.partition));
    expect(interleaved.contents).toEqual(single.contents);
    expect(interleaved.violations).toEqual([]);
  }, 120_000);
});
