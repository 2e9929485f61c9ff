import { sql as raw } from 'kysely';
import type { IdentifierInput } from '../../lambdas/identity/identifier-types';
import { createResolver, type Resolver } from '../../lambdas/identity/resolver';
import type { Sql } from '../../lambdas/ports/sql';
import {
  createTenant,
  createTestKeyring,
  ENGINES,
  type Engine,
  observationOf,
  openDatabase,
  resolveEach,
} from './support/identity-fixture';

type Tenant = { organizationId: string; siteId: string };
const at = (second: number) => Date.UTC(2026, 10, 1) + second * 1_000;
const anonymous = (...values: string[]): IdentifierInput[] => values.map((value) => ({ type: 'anonymous_id', value }));

describe.each(ENGINES)('a batch writes the person history one by one writes, on %s', (engine: Engine) => {
  let sql: Sql;
  let resolver: Resolver;
  let keys: ReturnType<typeof createTestKeyring>;
  beforeAll(async () => {
    ({ sql } = await openDatabase(engine));
    keys = createTestKeyring(sql);
    resolver = createResolver({ sql, keyring: keys.keyring });
  });
  afterAll(async () => {
    await sql.close();
    keys.cleanup();
  });

  /** Every person row of the site, merged ones too, and every merge, each person named by its creator identifier. */
  const history = async (siteId: string) => {
    const { rows: persons } = await raw<{ person: string; merged_into: string | null }>`
      select i.value as person,
        (select j.value from persons q join identifiers j on j.id = q.creator_identifier_id where q.id = p.merged_into)
          as merged_into
      from persons p join identifiers i on i.id = p.creator_identifier_id
      where p.site_id = ${siteId}::uuid order by 1`.execute(sql.db);
    const { rows: merges } = await raw<{ from: string; into: string; rule: string }>`
      select fi.value as from, ii.value as into, m.rule
      from person_merges m
        join persons f on f.id = m.from_person_id join identifiers fi on fi.id = f.creator_identifier_id
        join persons t on t.id = m.into_person_id join identifiers ii on ii.id = t.creator_identifier_id
      where m.site_id = ${siteId}::uuid order by 1, 2`.execute(sql.db);
    return { persons, merges };
  };

  it('creates no person for identifiers a re-stitched observation of the same batch showed first', async () => {
    // Prepare: visitors x and y are known; then one event shows a new n with both of them (re-stitched),
    // and a later one n with a new m.
    const [oneByOne, batched] = [await createTenant(sql), await createTenant(sql)];
    const known = (t: Tenant) => [
      observationOf(t, anonymous('x'), { observedAt: at(1) }),
      observationOf(t, anonymous('y'), { observedAt: at(2) }),
    ];
    const batch = (t: Tenant) => [
      observationOf(t, anonymous('n', 'x', 'y'), { observedAt: at(10) }),
      observationOf(t, anonymous('n', 'm'), { observedAt: at(20) }),
    ];
    await resolveEach(resolver, 'one by one', known(oneByOne));
    await resolveEach(resolver, 'one by one', known(batched));

    // Act
    const single = await resolveEach(resolver, 'one by one', batch(oneByOne));
    const together = await resolveEach(resolver, 'in a batch', batch(batched));

    // Assess
    expect(await history(batched.siteId)).toEqual(await history(oneByOne.siteId));
    expect(together.map((r) => r.createdPersons)).toEqual(single.map((r) => r.createdPersons));
  });
});
