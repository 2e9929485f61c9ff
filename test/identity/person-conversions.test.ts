import { sql as raw } from 'kysely';
import { withOrganization } from '../../lambdas/db/tenant';
import { erasePerson } from '../../lambdas/identity/erase-person';
import { exportPerson } from '../../lambdas/identity/export-person';
import { conversionsNaming } from '../../lambdas/identity/person-conversions';
import { createResolver } from '../../lambdas/identity/resolver';
import type { Sql } from '../../lambdas/ports/sql';
import { recordConversion } from '../../lambdas/postbacks/conversion-store';
import type { ParsedConversion } from '../../lambdas/postbacks/parsed-conversion';
import {
  createTenant,
  createTestKeyring,
  ENGINES,
  type Engine,
  observationOf,
  openDatabase,
} from './support/identity-fixture';

const IDFA = '6D92078A-8246-4BA4-AE5B-76104861E7DC';

describe.each(ENGINES)('a person’s conversions (postbacks) on %s', (engine: Engine) => {
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

  /** A postback's conversion naming a visitor by `ids` (and `anonymousId`, from the tracked click). */
  const recordConversionOf = async (
    tenant: { organizationId: string; siteId: string },
    transactionId: string,
    ids: Partial<ParsedConversion>,
    anonymousId?: string,
  ) => {
    const conversion: ParsedConversion = {
      network: 'appsflyer',
      transactionId,
      status: 'approved',
      eventName: 'purchase',
      amount: '19.990000',
      subIds: { sub1: 'spring' },
      ...ids,
    };
    await recordConversion(
      sql,
      {
        siteId: tenant.siteId,
        organizationId: tenant.organizationId,
        conversion,
        ...(anonymousId ? { anonymousId } : {}),
        rawPayload: { customer_user_id: ids.userId ?? '', email: 'someone@example.com' },
        receivedAt: Date.UTC(2026, 10, 2),
      },
      async () => {},
    );
  };

  /** Bob (anonymous id, user id, an IDFA) and Carol (her own anonymous id), each with conversions naming them. */
  const bobAndCarol = async () => {
    const tenant = await createTenant(sql);
    const access = { sql, keyring: keys.keyring };
    const resolver = createResolver(access);
    const bob = await resolver.resolve(
      observationOf(
        tenant,
        [
          { type: 'anonymous_id', value: 'anon-bob' },
          { type: 'user_id', value: 'bob-42' },
          { type: 'idfa', value: IDFA },
        ],
        { event: { type: 'identify' } },
      ),
    );
    const carol = await resolver.resolve(observationOf(tenant, [{ type: 'anonymous_id', value: 'anon-carol' }]));
    const convert = (transactionId: string, ids: Partial<ParsedConversion>, anonymousId?: string) =>
      recordConversionOf(tenant, transactionId, ids, anonymousId);
    await convert('by-user-id', { userId: 'bob-42' });
    await convert('by-anonymous-id', {}, 'anon-bob');
    // Networks send IDFAs upper-case; identity keeps device ids lower-case.
    await convert('by-idfa', { idfa: IDFA });
    await convert('carols', {}, 'anon-carol');
    return { tenant, access, bob: bob.personId as string, carol: carol.personId as string };
  };

  const conversionRows = (siteId: string) =>
    sql.db
      .selectFrom('conversions')
      .select(['transaction_id', 'anonymous_id', 'user_id', 'idfa', 'raw_payload', 'amount', 'status'])
      .where('site_id', '=', siteId)
      .orderBy('transaction_id')
      .execute();

  it('exports the conversions that name the person by anonymous, user or device id, with the network’s payload', async () => {
    // Prepare
    const { tenant, access, bob } = await bobAndCarol();

    // Act
    const exported = await exportPerson(access, { organizationId: tenant.organizationId, personId: bob });

    // Assess
    if (exported.erased) throw new Error('not erased');
    expect(exported.conversions.map((c) => c.transactionId).sort()).toEqual([
      'by-anonymous-id',
      'by-idfa',
      'by-user-id',
    ]);
    expect(exported.conversions.find((c) => c.transactionId === 'by-user-id')).toMatchObject({
      network: 'appsflyer',
      userId: 'bob-42',
      rawPayload: { customer_user_id: 'bob-42', email: 'someone@example.com' },
    });
  });

  it('finds a person’s conversions through indexes under row-level security, not by reading every conversion of the site', async () => {
    // Prepare: a site with many conversions, analyzed
    const { tenant } = await bobAndCarol();
    await raw`insert into conversions (organization_id, site_id, network, transaction_id, status, event_name, anonymous_id,
        raw_payload, occurred_at, received_at, updated_at)
      select ${tenant.organizationId}::uuid, ${tenant.siteId}::uuid, 'appsflyer', 'other-' || n, 'approved', 'purchase',
        'anon-' || n, '{}'::jsonb, now(), now(), now()
      from generate_series(1, 5000) as n`.execute(sql.db);
    await raw`analyze conversions`.execute(sql.db);
    const naming = conversionsNaming(tenant.siteId, [
      { type: 'anonymous_id', value: 'anon-bob' },
      { type: 'user_id', value: 'bob-42' },
      { type: 'idfa', value: IDFA.toLowerCase() },
    ]);
    if (!naming) throw new Error('no condition');

    // Act
    const plan = await withOrganization(sql, tenant.organizationId, async (trx) => {
      const { rows } = await raw<{
        'QUERY PLAN': unknown;
      }>`explain (format json) select id from conversions where ${naming}`.execute(trx);
      return JSON.stringify(rows[0]?.['QUERY PLAN']);
    });

    // Assess
    expect(plan).not.toContain('"Seq Scan"');
    expect(plan).not.toContain('conversions_site_time_idx');
    for (const index of [
      'conversions_anonymous_id_key_idx',
      'conversions_user_id_key_idx',
      'conversions_idfa_key_idx',
    ]) {
      expect(plan).toContain(index);
    }
  });

  it('takes an erased person out of their conversions and keeps the sales, leaving other people’s untouched', async () => {
    // Prepare
    const { tenant, access, bob } = await bobAndCarol();

    // Act
    const report = await erasePerson(access, { organizationId: tenant.organizationId, personId: bob });

    // Assess
    expect(report.conversionsPseudonymized).toBe(3);
    const rows = await conversionRows(tenant.siteId);
    const bobs = rows.filter((r) => r.transaction_id !== 'carols');
    expect(bobs).toHaveLength(3);
    for (const row of bobs) {
      expect(row).toMatchObject({ anonymous_id: null, user_id: null, idfa: null, raw_payload: { erased: true } });
      expect(Number(row.amount)).toBeCloseTo(19.99);
      expect(row.status).toBe('approved');
    }
    expect(rows.find((r) => r.transaction_id === 'carols')).toMatchObject({
      anonymous_id: 'anon-carol',
      raw_payload: { email: 'someone@example.com' },
    });
  });

  it('exports and erases a conversion naming the person by their user id as the network sent it (a zero-width character)', async () => {
    // Prepare: identity stores the user id without the zero-width space the network passes on.
    const tenant = await createTenant(sql);
    const access = { sql, keyring: keys.keyring };
    const dana = await createResolver(access).resolve(
      observationOf(tenant, [{ type: 'user_id', value: 'dana-7\u200b' }], { event: { type: 'identify' } }),
    );
    await recordConversionOf(tenant, 'by-spelled-user-id', { userId: 'dana-7\u200b' });
    const personId = dana.personId as string;

    // Act
    const exported = await exportPerson(access, { organizationId: tenant.organizationId, personId });
    const report = await erasePerson(access, { organizationId: tenant.organizationId, personId });

    // Assess
    if (exported.erased) throw new Error('not erased');
    expect(exported.conversions.map((c) => c.transactionId)).toEqual(['by-spelled-user-id']);
    expect(report.conversionsPseudonymized).toBe(1);
    expect(await conversionRows(tenant.siteId)).toEqual([
      expect.objectContaining({ user_id: null, raw_payload: { erased: true } }),
    ]);
  });

  it('exports and erases a conversion naming the person by a user id with white space JavaScript trims and btrim does not', async () => {
    // Prepare: a no-break space and an ideographic space, each shielded by a zero-width space from the
    // postback parser's own trim; identity removes the zero-width spaces, then trims the rest.
    const tenant = await createTenant(sql);
    const access = { sql, keyring: keys.keyring };
    const erin = await createResolver(access).resolve(
      observationOf(tenant, [{ type: 'user_id', value: 'erin-9' }], { event: { type: 'identify' } }),
    );
    await recordConversionOf(tenant, 'nbsp', { userId: 'erin-9\u00a0\u200b' });
    await recordConversionOf(tenant, 'ideographic', { userId: '\u200b\u3000erin-9' });
    const personId = erin.personId as string;

    // Act
    const exported = await exportPerson(access, { organizationId: tenant.organizationId, personId });
    const report = await erasePerson(access, { organizationId: tenant.organizationId, personId });

    // Assess
    if (exported.erased) throw new Error('not erased');
    expect(exported.conversions.map((c) => c.transactionId).sort()).toEqual(['ideographic', 'nbsp']);
    expect(report.conversionsPseudonymized).toBe(2);
  });
});
