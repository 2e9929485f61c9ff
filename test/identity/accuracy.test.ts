import { DEFAULT_IDENTITY_RULES, type IdentityRules } from '../../lambdas/identity/identity-rules';
import { createResolver } from '../../lambdas/identity/resolver';
import type { Sql } from '../../lambdas/ports/sql';
import { createTenant, createTestKeyring, type Engine, openDatabase } from './support/identity-fixture';
import { type MergeAccuracy, mergeAccuracy, resolvedPartition } from './support/resolved-partition';
import { generateVisitors } from './support/synthetic-visitors';

/**
 * Thresholds. Deterministic rules merge only on shared identifiers, so of the same-person pairs the
 * events connect deterministically they must find nearly all: a miss there is a rule that
 * under-merges (the shared-device rule gives up a few: the click ids of a family computer's owner
 * stand alone with the guest's). Precision is lost where an observation mixes two people in a shape
 * that one person's observation also has and nothing else on the device tells them apart (a guest's
 * ad click on a computer only its owner signs in on, a guest signing in on a computer whose owner
 * never did, a family's shared address typed on a second person's phone; see the identity README).
 * On this seed the resolver scores precision 0.996 and deterministic recall 0.993; before shared
 * devices it scored 0.988 and 1.000, and 0.980 without the identified-person rule.
 */
const MIN_PRECISION = 0.995;
const MIN_DETERMINISTIC_RECALL = 0.99;

const cases: readonly [Engine, 'one by one' | 'in batches'][] = [
  ['PGlite (embedded)', 'one by one'],
  ['PostgreSQL server', 'in batches'],
];

describe('merge accuracy on synthetic visitors', () => {
  const opened: Sql[] = [];
  const cleanups: (() => void)[] = [];
  afterAll(async () => {
    for (const sql of opened) await sql.close();
    for (const cleanup of cleanups) cleanup();
  });

  const resolveDataset = async (engine: Engine, mode: string, rules: IdentityRules): Promise<MergeAccuracy> => {
    const { sql } = await openDatabase(engine);
    opened.push(sql);
    const tenant = await createTenant(sql, 'accuracy');
    const keys = createTestKeyring(sql);
    cleanups.push(keys.cleanup);
    const resolver = createResolver({ sql, keyring: keys.keyring, rules });
    const dataset = generateVisitors({ people: 150, seed: 7, ...tenant });
    if (mode === 'one by one') {
      for (const observation of dataset.observations) await resolver.resolve(observation);
    } else {
      for (let i = 0; i < dataset.observations.length; i += 100) {
        const outcomes = await resolver.resolveBatch(dataset.observations.slice(i, i + 100));
        expect(outcomes.filter((o) => !o.ok)).toEqual([]);
      }
    }
    const predicted = await resolvedPartition(sql, keys.keyring, tenant, dataset.truth.keys());
    return mergeAccuracy(predicted, dataset.truth, dataset.evidence);
  };

  it.each(cases)(
    `resolves them on %s %s with precision ≥ ${MIN_PRECISION} and deterministic recall ≥ ${MIN_DETERMINISTIC_RECALL}`,
    async (engine, mode) => {
      // Act
      const accuracy = await resolveDataset(engine, mode, DEFAULT_IDENTITY_RULES);

      // Assess
      console.info(`merge accuracy on ${engine}, ${mode}: ${JSON.stringify(accuracy, null, 2)}`);
      expect(accuracy.precision).toBeGreaterThanOrEqual(MIN_PRECISION);
      expect(accuracy.deterministicRecall).toBeGreaterThanOrEqual(MIN_DETERMINISTIC_RECALL);
      expect(accuracy.recall).toBeLessThan(accuracy.deterministicRecall);
    },
    180_000,
  );

  it('falls below the precision threshold when shared computers may glue identified people', async () => {
    // Prepare
    const gluing: IdentityRules = { ...DEFAULT_IDENTITY_RULES, identifying: [] };

    // Act
    const accuracy = await resolveDataset('PostgreSQL server', 'in batches', gluing);

    // Assess
    expect(accuracy.precision).toBeLessThan(MIN_PRECISION);
    expect(accuracy.deterministicRecall).toBeGreaterThanOrEqual(MIN_DETERMINISTIC_RECALL);
  }, 180_000);
});
