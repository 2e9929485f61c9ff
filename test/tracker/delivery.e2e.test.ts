import { trackerVersion } from '../../tracker-sdk/paths';
import { expectEventsInAction } from './support/expect-events';
import { leavePage, setUpTrackerTest } from './support/tracker-test';

const t = setUpTrackerTest();

const call = (...args: unknown[]) => t.page.evaluate((a) => window.sightline(...a), args);
const batchesWith = (eventName: string) =>
  t.collector.receivedBatches().filter((b) => b.payload.events.some((e) => e.name === eventName));

describe('requests', () => {
  it('posts a text/plain JSON payload with the site key and SDK version', async () => {
    // Act
    await expectEventsInAction(t.collector, () => t.open('page.html'), { expected: [{ type: 'page' }] });

    // Assess
    const [batch] = t.collector.receivedBatches().slice(-1);
    expect(batch.contentType).toBe('text/plain;charset=UTF-8');
    expect(batch.fetchMode).toBe('cors');
    expect(batch.payload).toMatchObject({
      site: 'test-site',
      sdk: `sightline-js/${trackerVersion}`,
      sentAt: expect.any(Number),
    });
  });

  it('posts to the data-endpoint origin as a CORS simple request, without a preflight', async () => {
    // Act (the capture server answers no OPTIONS preflight: a request needing one would fail)
    await expectEventsInAction(t.collector, () => t.open('endpoint.html'), {
      expected: [{ type: 'page', url: `${t.collector.url}/endpoint.html` }],
    });

    // Assess
    const [batch] = t.collector.receivedBatches().slice(-1);
    expect(batch.fetchMode).toBe('cors');
    expect(batch.origin).toBe(t.collector.url);
  });

  it('sends at most 20 events per request', async () => {
    // Prepare
    await expectEventsInAction(t.collector, () => t.open('next.html'), { expected: [{ type: 'page' }] });

    // Act
    const events = await expectEventsInAction(
      t.collector,
      () =>
        t.page.evaluate(() => {
          for (let i = 0; i < 45; i++) window.sightline('track', 'burst', { i });
        }),
      { expected: Array.from({ length: 45 }, (_, i) => ({ name: 'burst', props: { i } })) },
    );

    // Assess
    expect(events).toHaveLength(45);
    const sizes = batchesWith('burst').map((b) => b.payload.events.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(20);
  });

  it('delivers an event fired right before navigation, by sendBeacon', async () => {
    // Prepare
    await t.open('next.html');

    // Act
    await expectEventsInAction(
      t.collector,
      () =>
        Promise.all([
          t.page.waitForNavigation(),
          t.page.evaluate(() => {
            window.sightline('track', 'last_words');
            location.href = '/page.html';
          }),
        ]),
      { expected: [{ name: 'last_words' }, { type: 'page', url: `${t.collector.url}/page.html` }] },
    );

    // Assess
    expect(batchesWith('last_words').map((b) => b.fetchMode)).toEqual(['no-cors']);
  });
});

describe('failures and retries', () => {
  it('delivers events made offline once the network returns', async () => {
    // Prepare
    await expectEventsInAction(t.collector, () => t.open('consented.html'), { expected: [{ type: 'page' }] });
    await t.page.setOfflineMode(true);
    let onlineAt = 0;

    // Act
    await expectEventsInAction(
      t.collector,
      async () => {
        await call('track', 'offline_1');
        await call('track', 'offline_2');
        // The batch has been tried, has failed, and is kept for later.
        await t.page.waitForFunction(() => localStorage.getItem('_sl_q')?.includes('offline_2'), { timeout: 10000 });
        onlineAt = Date.now();
        await t.page.setOfflineMode(false);
      },
      { expected: [{ name: 'offline_1' }, { name: 'offline_2' }] },
    );
    await t.page.waitForFunction(() => localStorage.getItem('_sl_q') === null);

    // Assess: sent again once online. (Chromium's offline emulation can let a keepalive request
    // through while failing it in the page, so an earlier copy may also have arrived; the event
    // id lets the collector keep one.)
    const resent = batchesWith('offline_2').filter((b) => b.status === 202 && b.payload.sentAt >= onlineAt);
    expect(resent).toHaveLength(1);
    expect(resent[0].payload.events.map((e) => e.name)).toEqual(['offline_1', 'offline_2']);
  });

  it('delivers events that failed on one page from the next page load', async () => {
    // Prepare: the collector fails every request, so the event waits in the retry queue.
    await expectEventsInAction(t.collector, () => t.open('consented.html'), { expected: [{ type: 'page' }] });
    t.collector.setDefaultStatus(503);
    await call('track', 'kept_for_later');
    await t.page.waitForFunction(() => localStorage.getItem('_sl_q')?.includes('kept_for_later'), { timeout: 10000 });
    await leavePage(t.page);
    t.collector.setDefaultStatus(202);

    // Act / Assess
    await expectEventsInAction(t.collector, () => t.open('consented.html'), {
      expected: [{ name: 'kept_for_later', url: `${t.collector.url}/consented.html` }, { type: 'page' }],
    });
  });

  it('retries after 503 and 429 with growing delays', async () => {
    // Prepare
    await t.open('next.html');
    t.collector.respondWith(503, 429);

    // Act
    await expectEventsInAction(t.collector, () => call('track', 'eventually'), {
      expected: [{ name: 'eventually' }],
      timeoutMs: 15000,
    });

    // Assess
    const attempts = batchesWith('eventually');
    expect(attempts.map((b) => b.status)).toEqual([503, 429, 202]);
    const ids = new Set(attempts.map((b) => b.payload.events.find((e) => e.name === 'eventually')?.id));
    expect(ids.size).toBe(1);
    const [first, second, third] = attempts.map((b) => b.payload.sentAt);
    expect(second - first).toBeGreaterThanOrEqual(500);
    expect(third - second).toBeGreaterThanOrEqual(1000);
  });

  it('does not retry a batch refused with 400', async () => {
    // Prepare
    await expectEventsInAction(t.collector, () => t.open('next.html'), { expected: [{ type: 'page' }] });
    t.collector.respondWith(400);

    // Act
    await expectEventsInAction(
      t.collector,
      async () => {
        await call('track', 'refused');
        await new Promise((resolve) => setTimeout(resolve, 2500));
        await call('track', 'sentinel');
      },
      { expected: [{ name: 'sentinel' }], settleMs: 2000 },
    );

    // Assess
    expect(batchesWith('refused').map((b) => b.status)).toEqual([400]);
  });
});

describe('robustness', () => {
  it('never throws into the host page, whatever it is called with', async () => {
    // Prepare
    await t.open('next.html');

    // Act
    await expectEventsInAction(
      t.collector,
      () =>
        t.page.evaluate(() => {
          const circular: Record<string, unknown> = {};
          circular.self = circular;
          const hostile = {
            toString() {
              throw new Error('hostile');
            },
          };
          const calls: unknown[][] = [
            [],
            ['no-such-command'],
            ['__proto__'],
            ['track'],
            ['track', hostile],
            ['track', 'odd_props', { circular, n: Number.NaN, big: 'x'.repeat(5000), f: () => 1, s: Symbol('s') }],
            ['identify', hostile],
            ['consent', null],
            ['page', 'not-an-object'],
          ];
          for (const c of calls) window.sightline(...c);
          window.sightline('track', 'sentinel');
        }),
      { expected: [{ name: 'sentinel' }, { name: 'odd_props', props: { n: null, circular: '[object Object]' } }] },
    );

    // Assess (the page errors are checked after every test)
    const odd = (await t.collector.receivedEvents()).find((e) => e.name === 'odd_props');
    expect(String(odd?.props?.big)).toHaveLength(1024);
    expect(Object.keys(odd?.props ?? {})).toEqual(['circular', 'n', 'big']);
  });
});
