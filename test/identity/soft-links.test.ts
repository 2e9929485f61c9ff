import { ConflictError, NotFoundError } from '../../lambdas/core/errors';
import type { OrganizationKeyring } from '../../lambdas/identity/crypto/organization-keys';
import type { IdentifierType } from '../../lambdas/identity/identifier-types';
import { createResolver, type Resolver } from '../../lambdas/identity/resolver';
import { listSoftLinks } from '../../lambdas/identity/soft-link-listing';
import { reviewSoftLink } from '../../lambdas/identity/soft-link-review';
import { canonicalInbox } from '../../lambdas/identity/soft-links';
import type { Sql } from '../../lambdas/ports/sql';
import {
  createTenant,
  createTestKeyring,
  ENGINES,
  observationOf,
  openDatabase,
  type ResolvePath,
  resolveEach,
} from './support/identity-fixture';

const REVIEWER = 'reviewer@example.com';

describe('canonicalInbox', () => {
  it('folds Gmail dots, +tags and googlemail.com into one inbox', () => {
    // Act
    const inboxes = ['Ada.Lovelace+news@gmail.com', 'adalovelace@googlemail.com', 'ada+x@acme.io', 'a.da@acme.io'].map(
      canonicalInbox,
    );

    // Assess
    expect(inboxes).toEqual(['adalovelace@gmail.com', 'adalovelace@gmail.com', 'ada@acme.io', 'a.da@acme.io']);
  });

  it('keeps a local part that starts with a plus, so such addresses stay distinct inboxes', () => {
    // Act
    const inboxes = ['+news@example.com', '+shop@example.com', '+Tag+more@Example.com', '+x.y@gmail.com'].map(
      canonicalInbox,
    );

    // Assess
    expect(inboxes).toEqual(['+news@example.com', '+shop@example.com', '+tag+more@example.com', '+xy@gmail.com']);
  });
});

describe.each(ENGINES)('soft links on %s', (engine) => {
  let sql: Sql;
  let resolver: Resolver;
  let keyring: OrganizationKeyring;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ sql } = await openDatabase(engine));
    const keys = createTestKeyring(sql);
    cleanup = keys.cleanup;
    keyring = keys.keyring;
    resolver = createResolver({ sql, keyring });
  });
  afterAll(async () => {
    await sql.close();
    cleanup();
  });

  it('proposes a link for one IP and user agent within minutes, and for e-mail variants, merging nothing', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const t0 = Date.UTC(2026, 10, 4, 9);
    const net = { ip: '198.51.100.4', userAgent: 'Mozilla/5.0 (X11)' };
    const a = await resolver.resolve(
      observationOf(tenant, [{ type: 'anonymous_id', value: 'tab-1' }], { ...net, observedAt: t0 }),
    );
    const b = await resolver.resolve(
      observationOf(tenant, [{ type: 'anonymous_id', value: 'tab-2' }], { ...net, observedAt: t0 + 5 * 60_000 }),
    );
    await resolver.resolve(
      observationOf(tenant, [{ type: 'anonymous_id', value: 'tomorrow' }], { ...net, observedAt: t0 + 26 * 3_600_000 }),
    );
    const c = await resolver.resolve(observationOf(tenant, [{ type: 'email', value: 'ada.lovelace@gmail.com' }]));
    const d = await resolver.resolve(observationOf(tenant, [{ type: 'email', value: 'adalovelace+shop@gmail.com' }]));

    // Act
    const { links } = await listSoftLinks(sql, { organizationId: tenant.organizationId, siteId: tenant.siteId });

    // Assess
    const pair = (x?: string, y?: string) => [x, y].sort();
    expect(links.map((l) => ({ kinds: kindsOf(l), score: l.score, persons: [l.personA, l.personB] }))).toEqual([
      { kinds: ['email_variant'], score: 0.85, persons: pair(c.personId, d.personId) },
      { kinds: ['ip_user_agent'], score: 0.35, persons: pair(a.personId, b.personId) },
    ]);
    expect(new Set([a.personId, b.personId, c.personId, d.personId]).size).toBe(4);
  });

  it('links nobody through a signal shared by a crowd', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const t0 = Date.UTC(2026, 10, 5, 9);
    const office = { ip: '192.0.2.1', userAgent: 'Corporate Browser 1.0' };

    // Act
    const desks: string[] = [];
    for (let i = 0; i < 8; i++) {
      const desk = await resolver.resolve(
        observationOf(tenant, [{ type: 'anonymous_id', value: `desk-${i}` }], {
          ...office,
          observedAt: t0 + i * 60_000,
        }),
      );
      desks.push(desk.personId as string);
    }

    // Assess: the first six link pairwise; from the seventh on, six others share it and nobody is linked.
    const { links } = await listSoftLinks(sql, { organizationId: tenant.organizationId, siteId: tenant.siteId });
    const linked = new Set(links.flatMap((l) => [l.personA, l.personB]));
    expect(links).toHaveLength(15);
    expect(desks.map((d) => linked.has(d))).toEqual([true, true, true, true, true, true, false, false]);
  });

  it('proposes the same links when the sightings arrive in one batch', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const t0 = Date.UTC(2026, 10, 6, 9);
    const net = { ip: '198.51.100.9', userAgent: 'Mozilla/5.0 (X11)' };
    const batch = [
      observationOf(tenant, [{ type: 'anonymous_id', value: 'b-tab-1' }], { ...net, observedAt: t0 }),
      observationOf(tenant, [{ type: 'anonymous_id', value: 'b-tab-2' }], { ...net, observedAt: t0 + 5 * 60_000 }),
      observationOf(tenant, [{ type: 'anonymous_id', value: 'b-tab-2' }], { ...net, observedAt: t0 + 7 * 60_000 }),
      observationOf(tenant, [{ type: 'anonymous_id', value: 'b-later' }], { ...net, observedAt: t0 + 26 * 3_600_000 }),
      observationOf(tenant, [{ type: 'email', value: 'grace.hopper@gmail.com' }]),
      observationOf(tenant, [{ type: 'email', value: 'gracehopper+shop@gmail.com' }]),
    ];

    // Act
    const outcomes = await resolver.resolveBatch(batch);
    const { links } = await listSoftLinks(sql, { organizationId: tenant.organizationId, siteId: tenant.siteId });

    // Assess
    const [a, b, , , c, d] = outcomes.map((o) => (o.ok ? o.resolution.personId : undefined));
    const pair = (x?: string, y?: string) => [x, y].sort();
    expect(links.map((l) => ({ kinds: kindsOf(l), score: l.score, persons: [l.personA, l.personB] }))).toEqual([
      { kinds: ['email_variant'], score: 0.85, persons: pair(c, d) },
      { kinds: ['ip_user_agent'], score: 0.35, persons: pair(a, b) },
    ]);
  });

  it.each<ResolvePath>(['one by one', 'in a batch'])(
    'links nobody seen on one IP and user agent only between two far-apart sightings of another person, %s',
    async (path) => {
      // Prepare: one visitor on a network and browser on Monday and on Wednesday, another on Tuesday
      const tenant = await createTenant(sql);
      const t0 = Date.UTC(2026, 10, 2, 9);
      const net = { ip: '198.51.100.60', userAgent: 'Mozilla/5.0 (X11)' };
      const monday = observationOf(tenant, [identifier('anonymous_id:far-1')], { ...net, observedAt: t0 });
      const wednesday = observationOf(tenant, [identifier('anonymous_id:far-1')], {
        ...net,
        observedAt: t0 + 48 * 3_600_000,
      });
      const tuesday = observationOf(tenant, [identifier('anonymous_id:far-2')], {
        ...net,
        observedAt: t0 + 24 * 3_600_000,
      });

      // Act
      await resolveEach(resolver, path, [monday, wednesday, tuesday]);

      // Assess: no two sightings were within the window
      const { links } = await listSoftLinks(sql, tenant);
      expect(links).toEqual([]);
    },
  );

  it('proposes the same links whatever order the sightings of one IP and user agent arrive in', async () => {
    // Prepare: Monday, Tuesday, Wednesday sightings of two visitors, and a third within minutes of one
    const t0 = Date.UTC(2026, 10, 3, 9);
    const net = { ip: '198.51.100.61', userAgent: 'Mozilla/5.0 (X11)' };
    const sightings = (tenant: { organizationId: string; siteId: string }) => ({
      monday: observationOf(tenant, [identifier('anonymous_id:ord-1')], { ...net, observedAt: t0 }),
      tuesday: observationOf(tenant, [identifier('anonymous_id:ord-2')], { ...net, observedAt: t0 + 24 * 3_600_000 }),
      wednesday: observationOf(tenant, [identifier('anonymous_id:ord-1')], { ...net, observedAt: t0 + 48 * 3_600_000 }),
      close: observationOf(tenant, [identifier('anonymous_id:ord-3')], {
        ...net,
        observedAt: t0 + 48 * 3_600_000 + 60_000,
      }),
    });
    const inOrder = await createTenant(sql);
    const late = await createTenant(sql);
    const a = sightings(inOrder);
    const b = sightings(late);

    // Act: in order, and with Tuesday's event resolved last
    await resolveEach(resolver, 'one by one', [a.monday, a.tuesday, a.wednesday, a.close]);
    await resolveEach(resolver, 'one by one', [b.monday, b.wednesday, b.close, b.tuesday]);

    // Assess: only the two sightings minutes apart are linked, either way
    const pairsOf = async (tenant: { organizationId: string; siteId: string }) => {
      const { links } = await listSoftLinks(sql, tenant);
      const persons = await sql.db
        .selectFrom('identifiers')
        .select(['value', 'person_id'])
        .where('site_id', '=', tenant.siteId)
        .execute();
      const nameOf = new Map(persons.map((p) => [p.person_id, p.value]));
      return links.map((l) => [nameOf.get(l.personA), nameOf.get(l.personB)].sort());
    };
    expect(await pairsOf(inOrder)).toEqual([['ord-1', 'ord-3']]);
    expect(await pairsOf(late)).toEqual([['ord-1', 'ord-3']]);
  });

  it('links nobody in a batch through a signal shared by a crowd larger than is read at once', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const t0 = Date.UTC(2026, 10, 7, 9);
    const office = { ip: '192.0.2.7', userAgent: 'Corporate Browser 2.0' };
    const desks = Array.from({ length: 40 }, (_, i) =>
      observationOf(tenant, [{ type: 'anonymous_id', value: `crowd-desk-${i}` }], {
        ...office,
        observedAt: t0 + i * 1_000,
      }),
    );

    // Act
    const outcomes = await resolver.resolveBatch(desks);
    const { links } = await listSoftLinks(sql, { organizationId: tenant.organizationId, siteId: tenant.siteId });

    // Assess
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(links).toEqual([]);
  });

  const proposeInboxPair = async (
    tenant: { organizationId: string; siteId: string },
    first: string,
    second: string,
  ) => {
    const a = await resolver.resolve(observationOf(tenant, first.split(' ').map(identifier)));
    const b = await resolver.resolve(observationOf(tenant, second.split(' ').map(identifier)));
    const { links } = await listSoftLinks(sql, { organizationId: tenant.organizationId, siteId: tenant.siteId });
    return { a: a.personId as string, b: b.personId as string, link: links[0]?.id as number };
  };

  it('merges the two persons of an accepted soft link, audited as a manual review', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const { a, b, link } = await proposeInboxPair(
      tenant,
      'anonymous_id:rev-1 email:ada.byron@gmail.com',
      'user_id:ada-7 email:adabyron+shop@gmail.com',
    );

    // Act
    const review = await reviewSoftLink(
      { sql, keyring },
      { organizationId: tenant.organizationId, linkId: link, decision: 'accept', decidedBy: REVIEWER },
    );

    // Assess
    expect(review.status).toBe('accepted');
    expect([a, b]).toContain(review.personId);
    const merges = await sql.db
      .selectFrom('person_merges')
      .select(['from_person_id', 'into_person_id', 'rule'])
      .where('site_id', '=', tenant.siteId)
      .execute();
    expect(merges).toEqual([
      { from_person_id: review.personId === a ? b : a, into_person_id: review.personId, rule: 'manual_review' },
    ]);
    const persons = await sql.db
      .selectFrom('identifiers')
      .select('person_id')
      .distinct()
      .where('site_id', '=', tenant.siteId)
      .execute();
    expect(persons.map((p) => p.person_id)).toEqual([review.personId]);
    const open = await listSoftLinks(sql, { organizationId: tenant.organizationId, siteId: tenant.siteId });
    expect(open.links).toEqual([]);
  });

  it('lists an accepted soft link among the accepted ones, between the person both are now', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const { link } = await proposeInboxPair(tenant, 'email:alan.t@gmail.com', 'email:alant+shop@gmail.com');
    const review = await reviewSoftLink(
      { sql, keyring },
      { organizationId: tenant.organizationId, linkId: link, decision: 'accept', decidedBy: REVIEWER },
    );

    // Act
    const accepted = await listSoftLinks(sql, { ...tenant, status: 'accepted' });

    // Assess
    expect(accepted.links.map((l) => [l.id, l.status, l.personA, l.personB])).toEqual([
      [link, 'accepted', review.personId, review.personId],
    ]);
  });

  it('refuses to accept a soft link between two persons with different user ids, and leaves it open', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const { a, b, link } = await proposeInboxPair(
      tenant,
      'user_id:grace-1 email:grace.h@gmail.com',
      'user_id:grace-2 email:graceh@gmail.com',
    );

    // Act
    const accepting = reviewSoftLink(
      { sql, keyring },
      { organizationId: tenant.organizationId, linkId: link, decision: 'accept', decidedBy: REVIEWER },
    );

    // Assess
    await expect(accepting).rejects.toThrow(ConflictError);
    await expect(accepting).rejects.toThrow(/limit:user_id/);
    const { links } = await listSoftLinks(sql, { organizationId: tenant.organizationId, siteId: tenant.siteId });
    expect(links.map((l) => [l.id, l.status])).toEqual([[link, 'open']]);
    const merges = await sql.db.selectFrom('person_merges').select('id').where('site_id', '=', tenant.siteId).execute();
    expect(merges).toEqual([]);
    expect(a).not.toBe(b);
  });

  it('never proposes a rejected pair again, by the same signal or another', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const net = { ip: '198.51.100.77', userAgent: 'Mozilla/5.0 (X11)' };
    const t0 = Date.UTC(2026, 10, 8, 9);
    const { link } = await proposeInboxPair(
      tenant,
      'anonymous_id:rj-1 email:linus.t@gmail.com',
      'anonymous_id:rj-2 email:linust@gmail.com',
    );

    // Act
    const review = await reviewSoftLink(
      { sql, keyring },
      { organizationId: tenant.organizationId, linkId: link, decision: 'reject', decidedBy: REVIEWER },
    );
    await resolver.resolve(observationOf(tenant, [identifier('anonymous_id:rj-1')], { ...net, observedAt: t0 }));
    await resolver.resolve(
      observationOf(tenant, [identifier('anonymous_id:rj-2')], { ...net, observedAt: t0 + 60_000 }),
    );
    await resolver.resolve(observationOf(tenant, [identifier('email:linus.t+again@gmail.com')]));

    // Assess
    expect(review).toEqual({ id: link, status: 'rejected', decidedBy: REVIEWER, decidedAt: expect.any(String) });
    const open = await listSoftLinks(sql, { organizationId: tenant.organizationId, siteId: tenant.siteId });
    const rejected = await listSoftLinks(sql, { ...tenant, status: 'rejected' });
    expect(open.links.filter((l) => kindsOf(l).includes('ip_user_agent') || l.id === link)).toEqual([]);
    expect(rejected.links.map((l) => l.id)).toEqual([link]);
    await expect(
      reviewSoftLink(
        { sql, keyring },
        { organizationId: tenant.organizationId, linkId: link, decision: 'accept', decidedBy: REVIEWER },
      ),
    ).rejects.toThrow(ConflictError);
  });

  it('keeps a rejected pair rejected after one of its persons is merged into another', async () => {
    // Prepare: a signed-in person seen first; then two anonymous tabs on one network and browser,
    // proposed as a pair and rejected
    const tenant = await createTenant(sql);
    const net = { ip: '198.51.100.88', userAgent: 'Mozilla/5.0 (X11)' };
    const t0 = Date.UTC(2026, 10, 9, 9);
    const known = await resolver.resolve(
      observationOf(tenant, [identifier('user_id:merge-into-1'), identifier('anonymous_id:mi-laptop')], {
        observedAt: t0,
      }),
    );
    const tab1 = await resolver.resolve(
      observationOf(tenant, [identifier('anonymous_id:mi-tab-1')], { ...net, observedAt: t0 + 60_000 }),
    );
    const tab2 = await resolver.resolve(
      observationOf(tenant, [identifier('anonymous_id:mi-tab-2')], { ...net, observedAt: t0 + 120_000 }),
    );
    const [proposed] = (await listSoftLinks(sql, tenant)).links;
    await reviewSoftLink(
      { sql, keyring },
      {
        organizationId: tenant.organizationId,
        linkId: proposed?.id as number,
        decision: 'reject',
        decidedBy: REVIEWER,
      },
    );

    // Act: the first tab's visitor signs in (merging that tab into the person seen first) on the same
    // network and browser, which proposes the person and the second tab anew
    const signedIn = await resolver.resolve(
      observationOf(tenant, [identifier('anonymous_id:mi-tab-1'), identifier('user_id:merge-into-1')], {
        ...net,
        observedAt: t0 + 180_000,
      }),
    );

    // Assess
    expect(signedIn.personId).toBe(known.personId);
    const stored = await sql.db
      .selectFrom('soft_links')
      .select(['person_a', 'person_b', 'status'])
      .where('site_id', '=', tenant.siteId)
      .orderBy('id')
      .execute();
    const pair = (x?: string, y?: string) => [x, y].sort();
    expect(stored.map((l) => ({ persons: [l.person_a, l.person_b], status: l.status }))).toEqual([
      { persons: pair(tab1.personId, tab2.personId), status: 'rejected' },
      { persons: pair(known.personId, tab2.personId), status: 'open' },
    ]);
    expect((await listSoftLinks(sql, tenant)).links).toEqual([]);
  });

  it("lists a person's soft links, those stored under a person merged into them too, a page at a time", async () => {
    // Prepare: two tabs proposed as a pair; the first then signs in as a known person (merged into
    // them) on the same network, proposing that person and the second tab; an unrelated e-mail pair
    const tenant = await createTenant(sql);
    const net = { ip: '198.51.100.99', userAgent: 'Mozilla/5.0 (X11)' };
    const t0 = Date.UTC(2026, 10, 10, 9);
    const known = await resolver.resolve(
      observationOf(tenant, [identifier('user_id:by-person-1'), identifier('anonymous_id:bp-laptop')], {
        observedAt: t0,
      }),
    );
    const tab1 = await resolver.resolve(
      observationOf(tenant, [identifier('anonymous_id:bp-tab-1')], { ...net, observedAt: t0 + 60_000 }),
    );
    const tab2 = await resolver.resolve(
      observationOf(tenant, [identifier('anonymous_id:bp-tab-2')], { ...net, observedAt: t0 + 120_000 }),
    );
    await resolver.resolve(
      observationOf(tenant, [identifier('anonymous_id:bp-tab-1'), identifier('user_id:by-person-1')], {
        ...net,
        observedAt: t0 + 180_000,
      }),
    );
    const other = await proposeInboxPair(tenant, 'email:barbara.l@gmail.com', 'email:barbaral@gmail.com');
    const ofPerson = (personId: string, page: { limit?: number; offset?: number } = {}) =>
      listSoftLinks(sql, { ...tenant, personId, ...page });

    // Act
    const byKnown = await ofPerson(known.personId as string);
    const byMergedId = await ofPerson(tab1.personId as string);
    const bySecondTab = await ofPerson(tab2.personId as string);
    const byInbox = await ofPerson(other.a);
    const firstPage = await ofPerson(known.personId as string, { limit: 1 });
    const secondPage = await ofPerson(known.personId as string, { limit: 1, offset: 1 });

    // Assess
    // One entry for the pair, though two links were stored for it (the first under the merged tab's id).
    const pair = [known.personId, tab2.personId].sort();
    expect(byKnown.links.map((l) => [l.personA, l.personB])).toEqual([pair]);
    expect(byKnown.hasMore).toBe(false);
    expect(byMergedId.links.map((l) => l.id)).toEqual(byKnown.links.map((l) => l.id));
    expect(bySecondTab.links.map((l) => l.id)).toEqual(byKnown.links.map((l) => l.id));
    expect(byInbox.links.map((l) => l.id)).toEqual([other.link]);
    expect([firstPage.hasMore, secondPage.hasMore]).toEqual([false, false]);
    expect([...firstPage.links, ...secondPage.links].map((l) => l.id)).toEqual(byKnown.links.map((l) => l.id));
    const site = [
      await listSoftLinks(sql, { ...tenant, limit: 1 }),
      await listSoftLinks(sql, { ...tenant, limit: 1, offset: 1 }),
    ];
    expect(site.map((p) => p.hasMore)).toEqual([true, false]);
    expect(site.flatMap((p) => p.links.map((l) => l.id)).sort()).toEqual([byKnown.links[0]?.id, other.link].sort());
  });

  it.each<ResolvePath>(['one by one', 'in a batch'])(
    'lists a pair matched by an inbox and by a network and browser once, with both signals scored together, %s',
    async (path) => {
      // Prepare: two tabs on one network and browser minutes apart, each later leaving a spelling of one inbox
      const tenant = await createTenant(sql);
      const t0 = Date.UTC(2026, 10, 11, 9);
      const net = { ip: '198.51.100.120', userAgent: 'Mozilla/5.0 (X11)' };
      const observations = [
        observationOf(tenant, [identifier('anonymous_id:both-1')], { ...net, observedAt: t0 }),
        observationOf(tenant, [identifier('anonymous_id:both-2')], { ...net, observedAt: t0 + 5 * 60_000 }),
        observationOf(tenant, [identifier('anonymous_id:both-2')], { ...net, observedAt: t0 + 6 * 60_000 }),
        observationOf(tenant, [identifier('anonymous_id:both-1'), identifier('email:edsger.d@gmail.com')], {
          observedAt: t0 + 60 * 60_000,
        }),
        observationOf(tenant, [identifier('anonymous_id:both-2'), identifier('email:edsgerd+news@gmail.com')], {
          observedAt: t0 + 61 * 60_000,
        }),
      ];

      // Act
      await resolveEach(resolver, path, observations);
      const { links } = await listSoftLinks(sql, tenant);

      // Assess: one entry, 1 − (1 − 0.85)(1 − 0.35) = 0.9025
      expect(links).toHaveLength(1);
      expect(links[0]?.score).toBe(0.9);
      expect(links[0]?.evidence).toEqual([
        {
          kind: 'email_variant',
          windows: 1,
          firstSeenAt: new Date(t0 + 60 * 60_000).toISOString(),
          lastSeenAt: new Date(t0 + 61 * 60_000).toISOString(),
        },
        {
          kind: 'ip_user_agent',
          windows: 1,
          firstSeenAt: new Date(t0).toISOString(),
          lastSeenAt: new Date(t0 + 6 * 60_000).toISOString(),
        },
      ]);
      expect(JSON.stringify(links)).not.toMatch(/198\.51|Mozilla|edsger/);
    },
  );

  it.each<ResolvePath>(['one by one', 'in a batch'])(
    'scores a pair seen together in more windows higher, with diminishing returns and below 1, %s',
    async (path) => {
      // Prepare: a pair seen together once; another on three days; a third on twenty days with one inbox
      const tenant = await createTenant(sql);
      const t0 = Date.UTC(2026, 10, 12, 9);
      const day = 24 * 3_600_000;
      const together = (prefix: string, days: number, net: { ip: string; userAgent: string }) =>
        Array.from({ length: days }, (_, d) => [
          observationOf(tenant, [identifier(`anonymous_id:${prefix}-1`)], { ...net, observedAt: t0 + d * day }),
          observationOf(tenant, [identifier(`anonymous_id:${prefix}-2`)], {
            ...net,
            observedAt: t0 + d * day + 60_000,
          }),
        ]).flat();
      const ua = 'Mozilla/5.0 (X11)';
      const observations = [
        ...together('once', 1, { ip: '198.51.100.131', userAgent: ua }),
        ...together('thrice', 3, { ip: '198.51.100.132', userAgent: ua }),
        ...together('often', 20, { ip: '198.51.100.133', userAgent: ua }),
        observationOf(tenant, [identifier('anonymous_id:often-1'), identifier('email:often.seen@gmail.com')]),
        observationOf(tenant, [identifier('anonymous_id:often-2'), identifier('email:oftenseen@gmail.com')]),
      ];

      // Act
      await resolveEach(resolver, path, observations);
      const { links } = await listSoftLinks(sql, tenant);

      // Assess: 0.35; 1 − 0.65 × 0.825 × 0.9125 ≈ 0.51; the inbox and twenty windows ≈ 0.93 (at most 0.933), not 1
      expect(links.map((l) => [l.score, l.evidence.map((e) => [e.kind, e.windows])])).toEqual([
        [
          0.93,
          [
            ['email_variant', 1],
            ['ip_user_agent', 20],
          ],
        ],
        [0.51, [['ip_user_agent', 3]]],
        [0.35, [['ip_user_agent', 1]]],
      ]);
    },
  );

  it('records who decided a soft link, and when, and lists it with the decided ones', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const { link } = await proposeInboxPair(tenant, 'email:barbara.liskov@gmail.com', 'email:barbaraliskov@gmail.com');
    const now = new Date(Date.UTC(2026, 10, 13, 12));

    // Act
    const review = await reviewSoftLink(
      { sql, keyring, now: () => now },
      { organizationId: tenant.organizationId, linkId: link, decision: 'reject', decidedBy: 'ops@acme.io' },
    );
    const rejected = await listSoftLinks(sql, { ...tenant, status: 'rejected' });

    // Assess
    expect(review).toMatchObject({ decidedBy: 'ops@acme.io', decidedAt: now.toISOString() });
    expect(rejected.links.map((l) => [l.id, l.decidedBy, l.decidedAt])).toEqual([
      [link, 'ops@acme.io', now.toISOString()],
    ]);
    expect((await listSoftLinks(sql, tenant)).links.map((l) => l.decidedBy)).toEqual([]);
  });

  it('decides on the whole pair: links stored for it under a merged id take the decision with their evidence', async () => {
    // Prepare: two tabs proposed as a pair; the second seen again half an hour later, minutes before the
    // first signs in as a known person (merged into them), which stores a second link, in another window,
    // between that person and the second tab
    const tenant = await createTenant(sql);
    const net = { ip: '198.51.100.140', userAgent: 'Mozilla/5.0 (X11)' };
    const t0 = Date.UTC(2026, 10, 14, 9);
    await resolver.resolve(
      observationOf(tenant, [identifier('user_id:whole-1'), identifier('anonymous_id:wp-laptop')], { observedAt: t0 }),
    );
    await resolver.resolve(observationOf(tenant, [identifier('anonymous_id:wp-tab-1')], { ...net, observedAt: t0 }));
    await resolver.resolve(
      observationOf(tenant, [identifier('anonymous_id:wp-tab-2')], { ...net, observedAt: t0 + 60_000 }),
    );
    await resolver.resolve(
      observationOf(tenant, [identifier('anonymous_id:wp-tab-2')], { ...net, observedAt: t0 + 35 * 60_000 }),
    );
    await resolver.resolve(
      observationOf(tenant, [identifier('anonymous_id:wp-tab-1'), identifier('user_id:whole-1')], {
        ...net,
        observedAt: t0 + 40 * 60_000,
      }),
    );
    const [listed] = (await listSoftLinks(sql, tenant)).links;
    const stored = await sql.db.selectFrom('soft_links').select('id').where('site_id', '=', tenant.siteId).execute();

    // Act
    await reviewSoftLink(
      { sql, keyring },
      { organizationId: tenant.organizationId, linkId: listed?.id as number, decision: 'reject', decidedBy: REVIEWER },
    );

    // Assess
    expect(stored).toHaveLength(2);
    expect(listed?.evidence.map((e) => [e.kind, e.windows])).toEqual([['ip_user_agent', 2]]);
    const rejected = await listSoftLinks(sql, { ...tenant, status: 'rejected' });
    expect(rejected.links.map((l) => [l.id, l.score, l.evidence])).toEqual([
      [listed?.id, listed?.score, listed?.evidence],
    ]);
    expect((await listSoftLinks(sql, tenant)).links).toEqual([]);
  });

  it("finds no soft link of another organization's", async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const other = await createTenant(sql);
    const { link } = await proposeInboxPair(tenant, 'email:ken.t@gmail.com', 'email:kent@gmail.com');

    // Act
    const review = reviewSoftLink(
      { sql, keyring },
      { organizationId: other.organizationId, linkId: link, decision: 'reject', decidedBy: REVIEWER },
    );

    // Assess
    await expect(review).rejects.toThrow(NotFoundError);
  });
});

function kindsOf(link: { evidence: readonly { kind: string }[] }): string[] {
  return link.evidence.map((e) => e.kind);
}

function identifier(spec: string) {
  const at = spec.indexOf(':');
  return { type: spec.slice(0, at) as IdentifierType, value: spec.slice(at + 1) };
}
