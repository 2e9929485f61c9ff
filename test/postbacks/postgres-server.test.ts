import type { Context } from 'aws-lambda';
import { makePostbackHandler } from '../../lambdas/handlers/postback';
import { configurePostbacks } from '../../lambdas/postbacks/postback-settings';
import { NOW } from './fixtures/network-postbacks';
import { apiEvent, query } from './support/api-event';
import { openPostbackFixture, type PostbackFixture } from './support/postback-fixture';

/** The migration and the idempotent upsert on a real PostgreSQL server (Aurora's engine), not only PGlite. */
describe('postbacks on a PostgreSQL server', () => {
  let fx: PostbackFixture;
  beforeAll(async () => {
    fx = await openPostbackFixture('postgres');
  }, 60_000);
  afterAll(async () => {
    await fx.close();
  });

  it('creates a conversion, ignores its replay and applies its status change', async () => {
    // Prepare
    const tenant = await fx.createTenant();
    const { token } = await configurePostbacks(fx.sql, fx.keyWrapper, { ...tenant, hmacSecret: null });
    const handler = makePostbackHandler({ ...fx, trustedProxies: 'cloudfront', now: () => NOW });
    const send = (params: Record<string, string>) =>
      handler(
        apiEvent({
          path: `/postback/trackier?${query({ sl_site: tenant.siteKey, sl_token: token ?? '', ...params })}`,
          pathParameters: { network: 'trackier' },
        }),
        {} as Context,
      );
    const order = { click_id: 'c-1', txn_id: 'ORD-1', sale_amount: '80.50', revenue: '8.05', currency: 'EUR' };

    // Act
    const answers = [
      await send({ ...order, status: 'pending' }),
      await send({ ...order, status: 'pending' }),
      await send({ ...order, status: 'approved' }),
    ].map((r) => JSON.parse(String(r.body)).status);

    // Assess
    expect(answers).toEqual(['created', 'duplicate', 'updated']);
    const rows = await fx.sql.db.selectFrom('conversions').selectAll().where('site_id', '=', tenant.siteId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'approved', revision: 1, currency: 'EUR' });
    expect([Number(rows[0]?.amount), Number(rows[0]?.payout)]).toEqual([80.5, 8.05]);
  });
});
