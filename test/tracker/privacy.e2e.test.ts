import type { Page } from 'puppeteer-core';
import { expectEventsInAction } from './support/expect-events';
import { leavePage, setUpTrackerTest } from './support/tracker-test';

const t = setUpTrackerTest();

const storageKeys = (page: Page) => page.evaluate(() => Object.keys(localStorage));
const call = (...args: unknown[]) => t.page.evaluate((a) => window.sightline(...a), args);

describe('without consent (cookieless mode)', () => {
  it('sets no cookie, keeps no storage and sends no identifier', async () => {
    // Prepare
    await t.open('page.html');

    // Act
    const events = await expectEventsInAction(
      t.collector,
      async () => {
        await call('identify', 'user-1', { plan: 'pro' });
        await call('track', 'signup', { plan: 'pro' });
        await t.page.evaluate(() => window.scrollTo(0, 10));
      },
      {
        expected: [{ type: 'track', name: 'signup', ctx: { cl: true } }],
        refuted: [{ type: 'identify' }],
        settleMs: 500,
      },
    );

    // Assess
    expect(await t.page.cookies()).toEqual([]);
    expect(await storageKeys(t.page)).toEqual([]);
    const all = await t.collector.receivedEvents();
    for (const e of events) {
      expect(e.aid).toBeUndefined();
      expect(e.sid).toBeUndefined();
      expect(e.uid).toBeUndefined();
    }
    expect(JSON.stringify(all)).not.toContain('user-1');
  });
});

describe('with consent', () => {
  it('sets a first-party cookie and sends the same ids on the next page', async () => {
    // Prepare
    await t.open('page.html');

    // Act
    const delivered = await expectEventsInAction(
      t.collector,
      async () => {
        await call('consent', { analytics: true, marketing: false });
        await call('track', 'after_consent');
      },
      { expected: [{ name: 'after_consent', aid: expect.any(String), sid: expect.any(String) }] },
    );
    // On a busy machine the page view sent before consent (cookieless) can arrive in the same window.
    const granted = delivered.find((e) => e.name === 'after_consent');
    if (!granted) throw new Error('after_consent was not delivered');
    const next = (
      await expectEventsInAction(t.collector, () => t.open('next.html'), { expected: [{ type: 'page' }] })
    ).filter((e) => e.type === 'page');

    // Assess
    const cookie = (await t.page.cookies()).find((c) => c.name === '_sl_aid');
    expect(cookie?.value).toBe(granted.aid);
    expect(cookie?.sameSite).toBe('Lax');
    expect(next[0]).toMatchObject({ aid: granted.aid, sid: granted.sid });
    expect(next[0].ctx?.cl).toBeUndefined();
  });

  it('applies consent and identify queued before the script loaded to the first page view', async () => {
    // Prepare: the page's own snippet keeps this queue, as it would a CMP's early call.
    await t.page.evaluateOnNewDocument(() => {
      const w = window as unknown as { sightline: { (...a: unknown[]): void; q?: unknown[] } };
      w.sightline = (...a: unknown[]) => {
        w.sightline.q = [...(w.sightline.q ?? []), a];
      };
      w.sightline('consent', { analytics: true, marketing: false });
      w.sightline('identify', 'user-early');
    });

    // Act
    const events = await expectEventsInAction(t.collector, () => t.open('page.html'), {
      expected: [{ type: 'page' }, { type: 'identify', uid: 'user-early' }],
    });

    // Assess
    expect(events.find((e) => e.type === 'page')).toMatchObject({ aid: expect.any(String), uid: 'user-early' });
  });

  it('sends a user id given before consent only once consent is given', async () => {
    // Prepare
    await t.open('page.html');
    await call('identify', 'user-7');

    // Act / Assess
    await expectEventsInAction(
      t.collector,
      async () => {
        await call('consent', { analytics: true, marketing: true });
        await call('track', 'after_consent');
      },
      {
        expected: [
          { type: 'identify', uid: 'user-7' },
          { name: 'after_consent', uid: 'user-7' },
        ],
      },
    );
  });

  it('sends the user id after identify, and a new anonymous id without it after reset', async () => {
    // Prepare
    await t.open('consented.html');

    // Act
    const identified = await expectEventsInAction(
      t.collector,
      async () => {
        await call('identify', 'user-42', { plan: 'pro' });
        await call('track', 'while_signed_in');
      },
      {
        expected: [
          { type: 'identify', uid: 'user-42', traits: { plan: 'pro' } },
          { name: 'while_signed_in', uid: 'user-42' },
        ],
      },
    );
    const after = await expectEventsInAction(
      t.collector,
      async () => {
        await call('reset');
        await call('track', 'after_reset');
      },
      { expected: [{ name: 'after_reset' }] },
    );

    // Assess
    const before = identified.find((e) => e.name === 'while_signed_in');
    expect(after[0].uid).toBeUndefined();
    expect(after[0].aid).toEqual(expect.any(String));
    expect(after[0].aid).not.toBe(before?.aid);
    expect(after[0].sid).not.toBe(before?.sid);
  });

  it('keeps the user id across pages until identify(null) forgets it', async () => {
    // Prepare
    await t.open('consented.html');
    await call('identify', 'user-5');
    await expectEventsInAction(t.collector, () => t.open('consented.html'), {
      expected: [{ type: 'page', uid: 'user-5' }],
    });

    // Act
    await call('identify', null);
    const events = await expectEventsInAction(t.collector, () => t.open('consented.html'), {
      expected: [{ type: 'page' }],
    });

    // Assess
    expect(events.find((e) => e.type === 'page')?.uid).toBeUndefined();
  });

  it('forgets ids, cookie and storage when consent is withdrawn', async () => {
    // Prepare
    await t.open('consented.html');
    expect(await storageKeys(t.page)).not.toEqual([]);

    // Act
    const events = await expectEventsInAction(
      t.collector,
      async () => {
        await call('consent', { analytics: false, marketing: false });
        await call('track', 'after_withdrawal');
      },
      { expected: [{ name: 'after_withdrawal', ctx: { cl: true } }] },
    );

    // Assess
    expect(events[0].aid).toBeUndefined();
    expect(await t.page.cookies()).toEqual([]);
    expect(await storageKeys(t.page)).toEqual([]);
  });

  it('starts a new session after 30 minutes without activity, keeping the anonymous id', async () => {
    // Prepare
    await t.open('consented.html');
    const [before] = await expectEventsInAction(t.collector, () => call('track', 'before_break'), {
      expected: [{ name: 'before_break' }],
    });

    // Act: the page's clock moves 31 minutes on.
    const [after] = await expectEventsInAction(
      t.collector,
      async () => {
        await t.page.evaluate(() => {
          const skew = 31 * 60 * 1000;
          const realNow = Date.now.bind(Date);
          Date.now = () => realNow() + skew;
        });
        await call('track', 'after_break');
      },
      { expected: [{ name: 'after_break' }] },
    );

    // Assess
    expect(after.aid).toBe(before.aid);
    expect(after.sid).not.toBe(before.sid);
  });
});

describe('Do Not Track and Global Privacy Control', () => {
  const signal = (page: Page, name: 'doNotTrack' | 'globalPrivacyControl') =>
    page.evaluateOnNewDocument((n) => {
      Object.defineProperty(Navigator.prototype, n, { get: () => (n === 'doNotTrack' ? '1' : true) });
    }, name);

  it.each(['doNotTrack', 'globalPrivacyControl'] as const)('sends nothing when %s is on, by default', async (name) => {
    await signal(t.page, name);
    await expectEventsInAction(
      t.collector,
      async () => {
        await t.open('page.html');
        await call('track', 'should_not_arrive');
        await leavePage(t.page);
      },
      { refuted: [{}] },
    );
  });

  it.each([
    ['doNotTrack', { honorDnt: false }],
    ['globalPrivacyControl', { honorGpc: false }],
  ] as const)('sends events when %s is on but the site does not honour it', async (name, config) => {
    t.collector.setSiteConfig(config);
    await signal(t.page, name);
    await expectEventsInAction(t.collector, () => t.open('page.html'), { expected: [{ type: 'page' }] });
  });
});

describe('data-sl-ignore on the page', () => {
  it('sends nothing from a page marked data-sl-ignore', async () => {
    await expectEventsInAction(
      t.collector,
      async () => {
        await t.open('ignored.html');
        await t.page.click('#outbound');
        await call('track', 'should_not_arrive');
        await leavePage(t.page);
      },
      { refuted: [{}] },
    );
  });
});

describe('sampling', () => {
  it('sends nothing when the tag sets a sample rate of 0', async () => {
    await expectEventsInAction(
      t.collector,
      async () => {
        await t.open('sampled-out.html');
        await call('track', 'should_not_arrive');
        await leavePage(t.page);
      },
      { refuted: [{}] },
    );
  });

  it('sends nothing when the site config sets a sample rate of 0', async () => {
    t.collector.setSiteConfig({ sampleRate: 0 });
    await expectEventsInAction(
      t.collector,
      async () => {
        await t.open('page.html');
      },
      { refuted: [{}] },
    );
  });
});
