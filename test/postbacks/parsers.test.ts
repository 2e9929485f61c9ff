import { ValidationError } from '../../lambdas/core/errors';
import type { PostbackNetwork } from '../../lambdas/postbacks/networks';
import { validateConversion } from '../../lambdas/postbacks/parsed-conversion';
import { parserFor } from '../../lambdas/postbacks/parsers';
import { readPostbackRequest } from '../../lambdas/postbacks/postback-request';
import { NETWORK_FIXTURES, NOW } from './fixtures/network-postbacks';
import { apiEvent, query } from './support/api-event';

/** Reads a postback the way the endpoint does: request → fields → the network's parser → validation. */
function parse(network: PostbackNetwork, params: Record<string, string>, body?: unknown) {
  const event = apiEvent({
    method: body === undefined ? 'GET' : 'POST',
    path: `/postback/${network}?${query(params)}`,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const parser = parserFor(network, null);
  if (!parser) throw new Error(`no parser for ${network}`);
  return validateConversion(network, parser.read(readPostbackRequest(event).fields), {
    status: parser.defaultStatus,
    eventName: parser.defaultEventName,
    currency: 'USD',
    now: NOW,
  });
}

describe('network postback parsers', () => {
  it.each(NETWORK_FIXTURES.map((f) => [f.network, f] as const))(
    'maps a documented %s postback to one conversion',
    (_, fixture) => {
      // Prepare
      const event = apiEvent({
        method: fixture.method,
        path: `/postback/${fixture.network}?sl_site=pk_x&sl_token=secret&${query(fixture.query ?? {})}`,
        ...(fixture.json
          ? { body: JSON.stringify(fixture.json), headers: { 'content-type': 'application/json' } }
          : {}),
      });
      const parser = parserFor(fixture.network, fixture.mapping ?? null);

      // Act
      const request = readPostbackRequest(event);
      const conversion = validateConversion(
        fixture.network,
        parser?.read(request.fields) ?? { transactionId: { field: '' } },
        {
          status: parser?.defaultStatus ?? 'approved',
          eventName: parser?.defaultEventName ?? 'conversion',
          currency: 'USD',
          ...(fixture.mapping?.statusValues ? { statusValues: fixture.mapping.statusValues } : {}),
          now: NOW,
        },
      );

      // Assess
      expect(conversion).toEqual({ network: fixture.network, ...fixture.expected });
      expect(request.fields).not.toHaveProperty('sl_token');
      expect(request.token).toBe('secret');
    },
  );

  it('composes an Everflow transaction id from the click and event id when no conversion id is sent', () => {
    // Act
    const conversion = parse('everflow', { transaction_id: 'abc', event_id: '17', payout_amount: '1' });

    // Assess
    expect(conversion).toMatchObject({ transactionId: 'abc:17', clickId: 'abc', eventName: 'event_17' });
  });

  it('names an AppsFlyer install after the device and its time when no order id exists', () => {
    // Act
    const conversion = parse(
      'appsflyer',
      {},
      {
        event_name: 'install',
        event_time: '2026-03-01 08:00:00.000',
        install_time: '2026-03-01 08:00:00.000',
        appsflyer_id: '1718802365000-1234567',
        advertising_id: '38400000-8cf0-11bd-b23e-10b96e40000d',
        media_source: 'Facebook Ads',
        campaign: 'launch',
      },
    );

    // Assess
    expect(conversion).toMatchObject({
      transactionId: '1718802365000-1234567:install:2026-03-01 08:00:00.000',
      eventName: 'install',
      gaid: '38400000-8cf0-11bd-b23e-10b96e40000d',
    });
  });

  it('names an Adjust install by its activity kind', () => {
    // Act
    const conversion = parse('adjust', { activity_kind: 'install', adid: 'a1b2c3', created_at: '1773054000' });

    // Assess
    expect(conversion).toMatchObject({ eventName: 'install', transactionId: 'a1b2c3:install::1773054000' });
  });

  it('maps Impact REVERSED and Trackier cancelled to rejected', () => {
    // Act
    const impact = parse('impact', { ActionId: 'a-1', ActionStatus: 'REVERSED' });
    const trackier = parse('trackier', { click_id: 'c', txn_id: 't', status: 'Cancelled' });

    // Assess
    expect([impact.status, trackier.status]).toEqual(['rejected', 'rejected']);
  });

  it('treats the all-zero advertising id of limited ad tracking as no id', () => {
    // Act
    const conversion = parse('everflow', { transaction_id: 'abc', idfa: '00000000-0000-0000-0000-000000000000' });

    // Assess
    expect(conversion.idfa).toBeUndefined();
  });

  it.each([
    ['an IDFA that is not a UUID', 'everflow', { transaction_id: 'abc', idfa: 'not-an-ifa' }, 'idfa'],
    ['a GAID that is not a UUID', 'tune', { transaction_id: 'abc', google_aid: '3840-8cf0' }, 'google_aid'],
    ['a negative amount', 'trackier', { click_id: 'c', txn_id: 't', sale_amount: '-5' }, 'sale_amount'],
    ['an amount that is not a number', 'cake', { leadid: '1', price: '4.5.0' }, 'price'],
    ['an unknown status', 'impact', { ActionId: 'a', ActionStatus: 'MAYBE' }, 'ActionStatus'],
    ['a currency that is not ISO 4217', 'impact', { ActionId: 'a', Currency: 'dollars' }, 'Currency'],
    [
      'a time before 2000',
      'everflow',
      { transaction_id: 'abc', conversion_unix_timestamp: '12' },
      'conversion_unix_timestamp',
    ],
    [
      'a time more than a day ahead',
      'everflow',
      { transaction_id: 'abc', conversion_unix_timestamp: '1773300000' },
      'conversion_unix_timestamp',
    ],
    ['no transaction id', 'everflow', { sub1: 'x' }, 'transaction_id'],
    ['a transaction id with a quote', 'trackier', { txn_id: 'a"b' }, 'txn_id'],
  ] as const)('rejects %s, naming the field the network sent', (_, network, params, field) => {
    // Act
    const act = () => parse(network, params);

    // Assess
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(expect.objectContaining({ field }));
  });
});
