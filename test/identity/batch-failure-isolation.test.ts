import { jest } from '@jest/globals';
import { sql as raw } from 'kysely';
import { createResolver } from '../../lambdas/identity/resolver';
import type { Sql } from '../../lambdas/ports/sql';
import {
  createTenant,
  createTestKeyring,
  ENGINES,
  type Engine,
  observationOf,
  openDatabase,
} from './support/identity-fixture';

const POISON = 'https://shop.example/poison';

describe.each(ENGINES)('a batch with one observation the database refuses on %s', (engine: Engine) => {
  let sql: Sql;
  let keys: ReturnType<typeof createTestKeyring>;
  beforeAll(async () => {
    ({ sql } = await openDatabase(engine));
    keys = createTestKeyring(sql);
    // Stands for any value PostgreSQL rejects mid-round: the whole round's transaction fails with it.
    await raw`create function refuse_poison() returns trigger language plpgsql as $$
      begin raise exception 'poisoned event %', new.event_id; end $$`.execute(sql.db);
    await raw`create trigger refuse_poison before insert on events for each row
      when (new.url = ${raw.lit(POISON)}) execute function refuse_poison()`.execute(sql.db);
  });
  afterAll(async () => {
    await sql.close();
    keys.cleanup();
  });

  it('fails only that observation, and resolves the rest in rounds rather than one by one', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const resolver = createResolver({ sql, keyring: keys.keyring });
    const oneByOne = jest.spyOn(resolver, 'resolve');
    const batch = Array.from({ length: 40 }, (_, n) =>
      observationOf(tenant, [{ type: 'anonymous_id', value: `visitor-${n}` }], {
        event: { type: 'page', url: n === 17 ? POISON : `https://shop.example/${n}` },
      }),
    );

    // Act
    const outcomes = await resolver.resolveBatch(batch);

    // Assess
    const failed = outcomes.flatMap((o, n) => (o.ok ? [] : [{ n, error: String(o.error) }]));
    expect(failed).toEqual([{ n: 17, error: expect.stringContaining('poisoned event') }]);
    expect(oneByOne).toHaveBeenCalledTimes(1);
    const stored = await sql.db.selectFrom('events').select('url').where('site_id', '=', tenant.siteId).execute();
    expect(stored).toHaveLength(39);
    expect(stored.map((e) => e.url)).not.toContain(POISON);
  });
});
