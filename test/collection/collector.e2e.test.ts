import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { parseClickCookie } from '../../lambdas/attribution/click-cookie';
import { queryLake } from '../support/lake';
import { type LocalStack, startLocalStack } from '../support/local-stack';

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

describe('collector, end to end into the lake', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack();
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': CHROME, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  const lake = async (sql: string, params: string[] = []) => {
    await stack.settle();
    return queryLake(stack.dataDir, sql, params);
  };
  const pageEvent = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    type: 'page',
    ts: Date.now(),
    aid: 'anon-1',
    sid: 'sess-1',
    url: 'http://localhost/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=spring',
    ref: 'https://www.google.com/',
    title: 'Pricing',
    ...extra,
  });

  it('accepts a text/plain tracker batch and stores enriched rows', async () => {
    const id = randomUUID();
    const response = await post(
      '/e',
      { site: stack.siteKey, sdk: 'sightline-js/0.1.0', events: [pageEvent(id)] },
      {
        'x-forwarded-for': '81.2.69.142',
      },
    );
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 1, rejected: [] });

    const [row] = await lake('select * from events where event_id = ?', [id]);
    expect(row).toMatchObject({
      event_type: 'page',
      path: '/pricing',
      utm_campaign: 'spring',
      utm_medium: 'email',
      channel: 'Email',
      browser: 'Chrome',
      device_type: 'desktop',
      ip: '81.2.69.0',
      is_bot: false,
      source: 'tracker',
      anonymous_id: 'anon-1',
    });
  });

  it('takes the client IP and user agent from the connection, never from a tracker payload', async () => {
    const id = randomUUID();
    const forged = {
      ...pageEvent(id),
      ip: '203.0.113.99',
      clientIp: '203.0.113.99',
      userAgent: 'Googlebot/2.1',
      clientUserAgent: 'Googlebot/2.1',
      ctx: { ip: '203.0.113.99', userAgent: 'Googlebot/2.1', lang: 'en' },
    };
    const response = await post(
      '/e',
      { site: stack.siteKey, ip: '203.0.113.99', userAgent: 'Googlebot/2.1', events: [forged] },
      { 'x-forwarded-for': '81.2.69.142' },
    );
    expect(response.status).toBe(202);
    const [row] = await lake('select ip, user_agent, browser, is_bot from events where event_id = ?', [id]);
    expect(row).toEqual({ ip: '81.2.69.0', user_agent: CHROME, browser: 'Chrome', is_bot: false });
  });

  it('keeps the good events of a batch and records the bad one as a failure naming its field', async () => {
    const good = randomUUID();
    const bad = { ...pageEvent(randomUUID()), title: 'x'.repeat(600) };
    const response = await post('/e', { site: stack.siteKey, events: [pageEvent(good), bad] });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      accepted: 1,
      rejected: [{ index: 1, field: 'events[1].title', message: expect.any(String) }],
    });
    expect(await lake('select event_id from events where event_id = ?', [good])).toHaveLength(1);
    const failures = await lake("select reason, field from failed_events where field = 'events[1].title'");
    expect(failures).toContainEqual({ reason: 'schema_violation', field: 'events[1].title' });
  });

  it('refuses an unknown site key with a 400 naming site, and records it', async () => {
    const response = await post('/e', { site: 'pk_nope', events: [pageEvent(randomUUID())] });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { field: 'site' } });
    expect(await lake("select reason from failed_events where reason = 'unknown_site'")).not.toHaveLength(0);
  });

  it('refuses an origin the site does not allow, and records it', async () => {
    const response = await post(
      '/e',
      { site: stack.siteKey, events: [pageEvent(randomUUID())] },
      {
        origin: 'https://evil.example',
      },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { field: 'origin' } });
    expect(await lake("select reason from failed_events where reason = 'origin_not_allowed'")).not.toHaveLength(0);
  });

  it('answers an image beacon with a 1×1 GIF and stores the event', async () => {
    const id = randomUUID();
    const response = await fetch(
      `${stack.url}/e.gif?site=${stack.siteKey}&t=track&n=email_open&id=${id}&u=${encodeURIComponent('http://localhost/mail')}&p.campaign=nov`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/gif');
    expect(
      Buffer.from(await response.arrayBuffer())
        .subarray(0, 6)
        .toString(),
    ).toBe('GIF89a');
    const [row] = await lake('select event_name, source, properties from events where event_id = ?', [id]);
    expect(row).toMatchObject({ event_name: 'email_open', source: 'pixel' });
    expect(JSON.parse(String(row?.properties))).toEqual({ campaign: 'nov' });
  });

  it('corrects a skewed device clock from the batch send time', async () => {
    const id = randomUUID();
    const skew = 3_600_000; // the device's clock runs an hour fast
    const deviceNow = Date.now() + skew;
    await post('/e', { site: stack.siteKey, sentAt: deviceNow, events: [pageEvent(id, { ts: deviceNow - 5_000 })] });
    const [row] = await lake('select event_time, received_at from events where event_id = ?', [id]);
    const time = (value: unknown) => (value instanceof Date ? value.getTime() : Number.NaN);
    const lag = time(row?.received_at) - time(row?.event_time);
    expect(lag).toBeGreaterThanOrEqual(4_000);
    expect(lag).toBeLessThanOrEqual(6_500);
  });

  it('sets the first-party id cookie when served on the site’s own domain', async () => {
    // fetch() may not set Host; a raw request can, as a browser on the site's domain would.
    const body = JSON.stringify({ site: stack.siteKey, events: [pageEvent(randomUUID(), { aid: 'abcDEF123' })] });
    const setCookie = await new Promise<string[] | undefined>((resolve, reject) => {
      const req = request(`${stack.url}/e`, {
        method: 'POST',
        headers: { host: 'localhost:8787', origin: 'http://localhost:3000', 'content-type': 'text/plain' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.headers['set-cookie']);
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(setCookie?.[0]).toMatch(/^_sl_aid=abcDEF123; Domain=localhost; Path=\/; Max-Age=\d+; SameSite=Lax$/);
  });

  it('drops the click cookie with the click id and sub ids of a landing page view', async () => {
    const event = pageEvent(randomUUID(), { aid: 'lander1', url: 'http://localhost/?gclid=abc123&sub1=newsletter' });
    const body = JSON.stringify({ site: stack.siteKey, events: [event] });
    const setCookie = await new Promise<string[] | undefined>((resolve, reject) => {
      const req = request(`${stack.url}/e`, {
        method: 'POST',
        headers: { host: 'localhost:8787', origin: 'http://localhost:3000', 'content-type': 'text/plain' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.headers['set-cookie']);
      });
      req.on('error', reject);
      req.end(body);
    });
    const click = setCookie?.find((c) => c.startsWith('_sl_clk='));
    expect(click).toMatch(/; Domain=localhost; Path=\/; Max-Age=2592000; SameSite=Lax$/);
    const value = click?.slice('_sl_clk='.length).split(';')[0] ?? '';
    expect(parseClickCookie(value)).toEqual({
      clickId: 'abc123',
      linkId: 'landing:gclid',
      subIds: { sub1: 'newsletter' },
    });
  });

  it('sets no cookie for a cookieless (no consent) event', async () => {
    const event = pageEvent(randomUUID(), { aid: 'abcDEF123', ctx: { cl: true } });
    const response = await post('/e', { site: stack.siteKey, events: [event] }, { origin: 'http://localhost:3000' });
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('answers a CORS preflight for the collection endpoint', async () => {
    const response = await fetch(`${stack.url}/e`, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('serves the public site config the tracker reads', async () => {
    const response = await fetch(`${stack.url}/c?site=${stack.siteKey}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ affiliatePatterns: [], honorDnt: true, honorGpc: true, sampleRate: 1 });
  });

  describe('Segment-compatible API', () => {
    it('takes a batch with HTTP Basic auth, maps context onto the tracker columns and answers success', async () => {
      const messageId = randomUUID();
      const response = await post(
        '/v1/batch',
        {
          batch: [
            {
              type: 'page',
              messageId,
              anonymousId: 'seg-anon',
              properties: {
                url: 'https://shop.example/a?gclid=abc',
                path: '/a',
                title: 'A',
                referrer: 'https://t.co/x',
              },
              context: { ip: '81.2.69.160', userAgent: CHROME, library: { name: 'analytics-node', version: '6.0.0' } },
              timestamp: new Date().toISOString(),
            },
          ],
        },
        { authorization: basic(stack.writeKey), 'content-type': 'application/json', 'x-forwarded-for': '10.1.1.1' },
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ success: true });
      const [row] = await lake('select * from events where event_id = ?', [messageId]);
      expect(row).toMatchObject({
        source: 'segment',
        path: '/a',
        title: 'A',
        click_id_type: 'gclid',
        ad_network: 'google_ads',
        ip: '81.2.69.0',
        sdk: 'analytics-node/6.0.0',
      });
    });

    it('takes a single track call with writeKey in the body', async () => {
      const messageId = randomUUID();
      const response = await post('/v1/track', {
        writeKey: stack.writeKey,
        messageId,
        userId: 'user-42',
        event: 'Order Completed',
        properties: { revenue: 42.5, products: [{ sku: 'a' }] },
      });
      expect(response.status).toBe(200);
      const [row] = await lake('select event_type, event_name, user_id from events where event_id = ?', [messageId]);
      expect(row).toEqual({ event_type: 'track', event_name: 'Order Completed', user_id: 'user-42' });
    });

    it('stores a replayed messageId once', async () => {
      const messageId = randomUUID();
      const message = { writeKey: stack.writeKey, messageId, anonymousId: 'a', event: 'Clicked' };
      await post('/v1/track', message);
      await post('/v1/track', message);
      expect(await lake('select event_id from events where event_id = ?', [messageId])).toHaveLength(1);
    });

    it('refuses a call without a write key, or with a wrong one, with 401 naming the field', async () => {
      const missing = await post('/v1/track', { userId: 'u', event: 'x' });
      const wrong = await post('/v1/track', { userId: 'u', event: 'x' }, { authorization: basic('sk_wrong') });
      expect(missing.status).toBe(401);
      expect(await missing.json()).toMatchObject({ error: { field: 'writeKey' } });
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toMatchObject({ error: { field: 'authorization' } });
    });

    it('answers a single invalid call with a 400 naming the field', async () => {
      const response = await post('/v1/track', { writeKey: stack.writeKey, userId: 'u' });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { field: 'event' } });
    });

    it('answers a batch with an event over 32 KB with 400, records it as a size violation and keeps the rest', async () => {
      const ok = randomUUID();
      const response = await post('/v1/batch', {
        writeKey: stack.writeKey,
        batch: [
          { type: 'track', messageId: ok, userId: 'u', event: 'Small' },
          {
            type: 'track',
            messageId: randomUUID(),
            userId: 'u',
            event: 'Huge',
            properties: { blob: 'x'.repeat(33 * 1024) },
          },
        ],
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { field: 'batch[1]' }, accepted: 1 });
      expect(await lake('select event_id from events where event_id = ?', [ok])).toHaveLength(1);
      expect(await lake("select field from failed_events where reason = 'size_violation'")).toContainEqual({
        field: 'batch[1]',
      });
    });

    it('refuses a batch over 500 KB with 400 naming body, as Segment does', async () => {
      const batch = Array.from({ length: 30 }, () => ({
        type: 'track',
        userId: 'u',
        event: 'x',
        properties: { b: 'y'.repeat(20_000) },
      }));
      const response = await post('/v1/batch', { writeKey: stack.writeKey, batch });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { field: 'body' } });
    });

    it('fills the path column from properties.path or context.page.path when a call has no url', async () => {
      const fromProperties = randomUUID();
      const fromContext = randomUUID();
      const response = await post(
        '/v1/batch',
        {
          batch: [
            { type: 'page', messageId: fromProperties, userId: 'u', properties: { path: '/docs/setup' } },
            {
              type: 'track',
              messageId: fromContext,
              userId: 'u',
              event: 'Viewed',
              context: { page: { path: '/pricing', search: '?utm_source=partner&utm_medium=referral' } },
            },
          ],
        },
        { authorization: basic(stack.writeKey) },
      );
      expect(response.status).toBe(200);
      const rows = await lake('select event_id, path, utm_source from events where event_id in (?, ?)', [
        fromProperties,
        fromContext,
      ]);
      expect(rows).toEqual(
        expect.arrayContaining([
          { event_id: fromProperties, path: '/docs/setup', utm_source: null },
          { event_id: fromContext, path: '/pricing', utm_source: 'partner' },
        ]),
      );
    });

    it('takes context.userAgent of a write-key call over the connection’s User-Agent', async () => {
      const messageId = randomUUID();
      const iphone =
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
      const response = await post(
        '/v1/track',
        { writeKey: stack.writeKey, messageId, userId: 'u', event: 'Opened', context: { userAgent: iphone } },
        { 'user-agent': 'analytics-node/6.0.0' },
      );
      expect(response.status).toBe(200);
      const [row] = await lake('select user_agent, browser, os, device_type from events where event_id = ?', [
        messageId,
      ]);
      expect(row).toEqual({ user_agent: iphone, browser: 'Mobile Safari', os: 'iOS', device_type: 'mobile' });
    });
  });
});
