import { sql as raw } from 'kysely';
import { erasePerson } from '../../lambdas/identity/erase-person';
import { ERASURE_MEMORY_DAYS, forgetOldErasures } from '../../lambdas/identity/erased-identifiers';
import { createResolver } from '../../lambdas/identity/resolver';
import type { Sql } from '../../lambdas/ports/sql';
import {
  createTenant,
  createTestKeyring,
  ENGINES,
  type Engine,
  observationOf,
  openDatabase,
  type ResolvePath,
  resolveEach,
} from './support/identity-fixture';

const PATHS: readonly ResolvePath[] = ['one by one', 'in a batch'];
const DAY_MS = 86_400_000;

describe.each(ENGINES)('an erasure stays done on %s', (engine: Engine) => {
  let sql: Sql;
  let keys: ReturnType<typeof createTestKeyring>;
  beforeAll(async () => {
    ({ sql } = await openDatabase(engine));
    keys = createTestKeyring(sql);
  });
  afterAll(async () => {
    await sql.close();
    keys.cleanup();
  });

  /** Ada signs up (anonymous id, user id, e-mail, a trait and the raw identify call), then is erased. */
  const eraseAda = async () => {
    const tenant = await createTenant(sql);
    const access = { sql, keyring: keys.keyring };
    const resolver = createResolver(access);
    const adaSays = (observedAt: number, eventId: string) =>
      observationOf(
        tenant,
        [
          { type: 'anonymous_id', value: 'ada-laptop' },
          { type: 'user_id', value: 'ada' },
          { type: 'email', value: 'ada@acme.io' },
        ],
        {
          eventId,
          observedAt,
          event: { type: 'identify', sessionId: 'ada-session' },
          traits: { $set: { name: 'Ada' } },
          raw: { receivedAt: observedAt, event: { type: 'identify', userId: 'ada', traits: { name: 'Ada' } } },
        },
      );
    const signedUp = Date.now() - 60_000;
    const ada = await resolver.resolve(adaSays(signedUp, 'ada-signup'));
    const report = await erasePerson(access, {
      organizationId: tenant.organizationId,
      personId: ada.personId as string,
    });
    const left = async () => {
      const count = async (table: 'identifiers' | 'raw_events' | 'events' | 'person_traits') =>
        Number(
          (
            await raw<{
              n: string;
            }>`select count(*) as n from ${raw.table(table)} where site_id = ${tenant.siteId}::uuid`.execute(sql.db)
          ).rows[0]?.n,
        );
      const persons = await sql.db
        .selectFrom('persons')
        .select('id')
        .where('site_id', '=', tenant.siteId)
        .where('erased_at', 'is', null)
        .execute();
      return {
        persons: persons.length,
        identifiers: await count('identifiers'),
        rawEvents: await count('raw_events'),
        events: await count('events'),
      };
    };
    return { tenant, resolver, adaSays, ada, erasedAt: Date.parse(report.erasedAt), signedUp, left };
  };

  it.each(PATHS)(
    'drops an event from before the erasure that is resolved after it (a redelivery, or one still queued), storing nothing (%s)',
    async (path) => {
      // Prepare
      const { tenant, resolver, adaSays, signedUp, left } = await eraseAda();

      // Act: the sign-up delivered again, and a page view from just before the erasure
      const [again, queued] = await resolveEach(resolver, path, [
        adaSays(signedUp, 'ada-signup'),
        observationOf(tenant, [{ type: 'anonymous_id', value: 'ada-laptop' }], {
          observedAt: signedUp + 1_000,
          event: { type: 'page', url: 'https://shop.example/?email=ada@acme.io' },
        }),
      ]);

      // Assess
      expect([again?.erased, again?.personId, queued?.erased, queued?.personId]).toEqual([
        true,
        undefined,
        true,
        undefined,
      ]);
      expect(await left()).toEqual({ persons: 0, identifiers: 0, rawEvents: 0, events: 0 });
    },
  );

  it.each(PATHS)(
    'resolves a visit after the erasure as a new person, and other visitors’ late events as usual (%s)',
    async (path) => {
      // Prepare
      const { tenant, resolver, ada, erasedAt, signedUp } = await eraseAda();

      // Act
      const [back, other] = await resolveEach(resolver, path, [
        observationOf(tenant, [{ type: 'anonymous_id', value: 'ada-laptop' }], { observedAt: erasedAt + 1_000 }),
        observationOf(tenant, [{ type: 'anonymous_id', value: 'bob-phone' }], { observedAt: signedUp }),
      ]);

      // Assess
      expect(back?.erased).toBeUndefined();
      expect(back?.personId).toBeDefined();
      expect(back?.personId).not.toBe(ada.personId);
      expect(other?.erased).toBeUndefined();
      expect(other?.personId).toBeDefined();
    },
  );

  it.each(PATHS)(
    'goes by when the collector received an event, not by the visitor’s clock, to tell a new visit from an old one (%s)',
    async (path) => {
      // Prepare: one device's clock runs an hour behind, another's an hour ahead
      const { tenant, resolver, ada, erasedAt } = await eraseAda();
      const HOUR_MS = 3_600_000;

      // Act
      const [behind, ahead] = await resolveEach(resolver, path, [
        // received after the erasure: a new visit, though its event time is before it
        observationOf(tenant, [{ type: 'anonymous_id', value: 'ada-laptop' }], {
          observedAt: erasedAt + 1_000 - HOUR_MS,
          receivedAt: erasedAt + 1_000,
        }),
        // received before the erasure and delivered only now: dropped, though its event time is after it
        observationOf(tenant, [{ type: 'user_id', value: 'ada' }], {
          observedAt: erasedAt - 1_000 + HOUR_MS,
          receivedAt: erasedAt - 1_000,
        }),
      ]);

      // Assess
      expect(behind?.erased).toBeUndefined();
      expect(behind?.personId).toBeDefined();
      expect(behind?.personId).not.toBe(ada.personId);
      expect([ahead?.erased, ahead?.personId]).toEqual([true, undefined]);
    },
  );

  it('keeps only keyed digests of the erased identifiers, and forgets them after the queues can hold nothing older', async () => {
    // Prepare
    const { tenant, resolver, adaSays, signedUp } = await eraseAda();
    const held = await raw<{ digest: string; erased_at: Date }>`
      select digest, erased_at from erased_identifiers where site_id = ${tenant.siteId}::uuid`.execute(sql.db);
    const heldText = JSON.stringify(held.rows);

    // Act
    const early = await forgetOldErasures(sql.db, new Date(Date.now() + (ERASURE_MEMORY_DAYS - 1) * DAY_MS));
    const late = await forgetOldErasures(sql.db, new Date(Date.now() + (ERASURE_MEMORY_DAYS + 1) * DAY_MS));
    const afterwards = await resolver.resolve(adaSays(signedUp, 'ada-signup'));

    // Assess
    expect(held.rows).toHaveLength(3);
    for (const plaintext of ['ada-laptop', '"ada"', 'ada@acme.io']) expect(heldText).not.toContain(plaintext);
    expect(early).toBe(0);
    expect(late).toBeGreaterThanOrEqual(3);
    expect(afterwards.erased).toBeUndefined();
  });
});
