import { erasePerson } from '../../lambdas/identity/erase-person';
import { exportPerson } from '../../lambdas/identity/export-person';
import type { ObservedEvent } from '../../lambdas/identity/observation';
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
const at = (hour: number, minute = 0) => Date.UTC(2026, 10, 1, hour, minute);

describe.each(ENGINES)('sessions belong to one person on %s', (engine: Engine) => {
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

  const setUp = async () => {
    const tenant = await createTenant(sql);
    const access = { sql, keyring: keys.keyring };
    const page = (anonymousId: string, observedAt: number, event: Omit<ObservedEvent, 'type'>) =>
      observationOf(tenant, [{ type: 'anonymous_id', value: anonymousId }], {
        observedAt,
        event: { type: 'page', ...event },
      });
    const sessions = () =>
      sql.db
        .selectFrom('sessions')
        .select(['session_id', 'person_id', 'event_count', 'entry_url', 'referrer'])
        .where('site_id', '=', tenant.siteId)
        .orderBy('session_id')
        .execute();
    return { tenant, access, resolver: createResolver(access), page, sessions };
  };

  it.each(PATHS)(
    'keeps another person’s event with the same session id out of that session, and erasing them leaves nothing of theirs (%s)',
    async (path) => {
      // Prepare: Ada's session; then, on another device, Bob's events carry the same session id,
      // one of them from before Ada's (so it would become the session's entry page).
      const { tenant, access, resolver, page, sessions } = await setUp();
      const [ada] = await resolveEach(resolver, path, [
        page('ada-laptop', at(10), { url: 'https://shop.example/a', sessionId: 'S' }),
      ]);

      // Act
      const [bob] = await resolveEach(resolver, path, [
        page('bob-phone', at(9), {
          url: 'https://shop.example/welcome?email=bob@example.com',
          referrer: 'https://mail.example/inbox/bob',
          sessionId: 'S',
        }),
        page('bob-phone', at(10, 5), { url: 'https://shop.example/b', sessionId: 'S' }),
      ]);

      // Assess
      const adaSession = {
        session_id: 'S',
        person_id: ada?.personId,
        event_count: 1,
        entry_url: 'https://shop.example/a',
        referrer: null,
      };
      expect(await sessions()).toEqual([adaSession]);
      const bobsExport = await exportPerson(access, {
        organizationId: tenant.organizationId,
        personId: bob?.personId as string,
      });
      if (bobsExport.erased) throw new Error('not erased');
      expect(bobsExport.events.map((e) => [e.sessionId, e.url])).toEqual([
        ['S', 'https://shop.example/welcome?email=bob@example.com'],
        ['S', 'https://shop.example/b'],
      ]);
      await erasePerson(access, { organizationId: tenant.organizationId, personId: bob?.personId as string });
      expect(await sessions()).toEqual([adaSession]);
    },
  );

  it.each(PATHS)('counts the session person’s own events that arrive with another person’s (%s)', async (path) => {
    // Prepare
    const { resolver, page, sessions } = await setUp();
    const [ada] = await resolveEach(resolver, path, [
      page('ada-laptop', at(10), { url: 'https://shop.example/a', sessionId: 'S' }),
    ]);

    // Act: Bob's event with the session id comes first in the next batch, Ada's after it.
    await resolveEach(resolver, path, [
      page('bob-phone', at(10, 1), { url: 'https://shop.example/b', sessionId: 'S' }),
      page('ada-laptop', at(10, 2), { url: 'https://shop.example/c', sessionId: 'S' }),
    ]);

    // Assess
    expect(await sessions()).toEqual([
      {
        session_id: 'S',
        person_id: ada?.personId,
        event_count: 2,
        entry_url: 'https://shop.example/a',
        referrer: null,
      },
    ]);
  });

  it.each(PATHS)('keeps counting a session whose person signs in and is merged mid-session (%s)', async (path) => {
    // Prepare: Ada is known by her user id from another device; this session starts anonymous.
    const { tenant, resolver, page, sessions } = await setUp();
    await resolveEach(resolver, path, [
      observationOf(tenant, [{ type: 'user_id', value: 'ada' }], { observedAt: at(8), event: { type: 'identify' } }),
    ]);
    const [anonymous] = await resolveEach(resolver, path, [
      page('laptop', at(10), { url: 'https://shop.example/a', sessionId: 'S' }),
    ]);

    // Act: she signs in (the anonymous person and hers become one), and browses on.
    const [signedIn, after] = await resolveEach(resolver, path, [
      observationOf(
        tenant,
        [
          { type: 'anonymous_id', value: 'laptop' },
          { type: 'user_id', value: 'ada' },
        ],
        { observedAt: at(10, 1), event: { type: 'identify', sessionId: 'S' } },
      ),
      page('laptop', at(10, 2), { url: 'https://shop.example/b', sessionId: 'S' }),
    ]);

    // Assess
    expect(signedIn?.personId).toBe(after?.personId);
    expect(await sessions()).toEqual([
      {
        session_id: 'S',
        person_id: anonymous?.personId,
        event_count: 3,
        entry_url: 'https://shop.example/a',
        referrer: null,
      },
    ]);
  });
});
