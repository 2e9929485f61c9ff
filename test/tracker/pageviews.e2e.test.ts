import { expectEventsInAction } from './support/expect-events';
import { setUpTrackerTest } from './support/tracker-test';

const t = setUpTrackerTest();

describe('page views', () => {
  it('sends a page view with URL, title, referrer, campaign parameters and context', async () => {
    // Prepare
    const landing = `${t.collector.url}/page.html?utm_source=news&utm_medium=email&utm_campaign=spring&gclid=G-1&sub1=aff-7`;

    // Act
    const events = await expectEventsInAction(t.collector, () => t.page.goto(landing), {
      expected: [{ type: 'page', url: landing }],
    });

    // Assess
    const page = events.find((e) => e.type === 'page');
    expect(page).toMatchObject({
      id: expect.any(String),
      ts: expect.any(Number),
      title: 'Fixture page',
      ctx: {
        sw: expect.any(Number),
        sh: expect.any(Number),
        vw: expect.any(Number),
        vh: expect.any(Number),
        lang: 'en-US',
        tz: expect.any(String),
        cl: true,
        utm: { source: 'news', medium: 'email', campaign: 'spring' },
        sub: { sub1: 'aff-7' },
      },
    });
    // Ad click ids stay in the URL, but are kept and sent apart only with marketing consent.
    expect(page?.ctx?.clid).toBeUndefined();
    expect(page?.ref).toBeUndefined();
  });

  it('sends the previous page as referrer after a link is followed', async () => {
    // Prepare
    await t.open('page.html');

    // Act
    const events = await expectEventsInAction(
      t.collector,
      () => Promise.all([t.page.waitForNavigation(), t.page.click('#next')]),
      {
        expected: [{ type: 'page', url: `${t.collector.url}/next.html` }],
      },
    );

    // Assess
    expect(events.find((e) => e.type === 'page')).toMatchObject({
      ref: `${t.collector.url}/page.html`,
      title: 'Next page',
    });
  });

  it('keeps landing attribution, click ids included, for the session when consent allows it', async () => {
    // Prepare
    const landing = `${t.collector.url}/consented.html?utm_source=ads&utm_campaign=brand&gclid=G-1&fbclid=F-1&aff_sub=s9`;
    const [first] = await expectEventsInAction(t.collector, () => t.page.goto(landing), {
      expected: [{ type: 'page' }],
    });

    // Act
    const events = await expectEventsInAction(t.collector, () => t.page.goto(`${t.collector.url}/consented.html`), {
      expected: [{ type: 'page', url: `${t.collector.url}/consented.html` }],
    });

    // Assess
    expect(events.find((e) => e.type === 'page')).toMatchObject({
      sid: first.sid,
      ctx: {
        utm: { source: 'ads', campaign: 'brand' },
        clid: { gclid: 'G-1', fbclid: 'F-1' },
        sub: { aff_sub: 's9' },
      },
    });
  });

  it('replays calls queued before the script loaded, after the first page view', async () => {
    // Act
    const events = await expectEventsInAction(t.collector, () => t.open('page.html'), {
      expected: [{ type: 'page' }, { type: 'track', name: 'queued_before_load', props: { from: 'snippet' } }],
    });

    // Assess
    expect(events.map((e) => e.name ?? e.type)).toEqual(['page', 'queued_before_load']);
  });

  it('sends a manual page view with its props', async () => {
    // Prepare
    await t.open('next.html');

    // Act / Assess
    await expectEventsInAction(
      t.collector,
      () => t.page.evaluate(() => window.sightline('page', { section: 'docs', depth: 2 })),
      { expected: [{ type: 'page', props: { section: 'docs', depth: 2 } }] },
    );
  });
});

describe('single-page app navigation', () => {
  it('sends a page view with the new title when pushState changes the URL', async () => {
    // Prepare
    await t.open('spa.html');

    // Act
    const events = await expectEventsInAction(
      t.collector,
      () => t.page.evaluate(() => window.go('/spa/pricing', 'Pricing')),
      { expected: [{ type: 'page', url: `${t.collector.url}/spa/pricing` }] },
    );

    // Assess
    expect(events.find((e) => e.type === 'page')).toMatchObject({
      title: 'Pricing',
      ref: `${t.collector.url}/spa.html`,
    });
    expect(events.find((e) => e.name === 'page_engagement')).toMatchObject({ url: `${t.collector.url}/spa.html` });
  });

  it('sends a page view when replaceState changes the URL', async () => {
    // Prepare
    await t.open('spa.html');

    // Act / Assess
    await expectEventsInAction(
      t.collector,
      () => t.page.evaluate(() => window.go('/spa.html?plan=pro', 'Pro plan', true)),
      { expected: [{ type: 'page', url: `${t.collector.url}/spa.html?plan=pro`, title: 'Pro plan' }] },
    );
  });

  it('sends a page view on back navigation (popstate)', async () => {
    // Prepare
    await t.open('spa.html');
    await expectEventsInAction(t.collector, () => t.page.evaluate(() => window.go('/spa/features', 'Features')), {
      expected: [{ type: 'page', url: `${t.collector.url}/spa/features` }],
    });

    // Act / Assess
    await expectEventsInAction(t.collector, () => t.page.goBack(), {
      expected: [{ type: 'page', url: `${t.collector.url}/spa.html`, ref: `${t.collector.url}/spa/features` }],
    });
  });

  it('sends a page view when the hash changes', async () => {
    // Prepare
    await t.open('spa.html');

    // Act / Assess
    await expectEventsInAction(
      t.collector,
      () =>
        t.page.evaluate(() => {
          location.hash = '#/settings';
        }),
      { expected: [{ type: 'page', url: `${t.collector.url}/spa.html#/settings` }] },
    );
  });

  it('counts a redirect chain as one page view, to where it settles', async () => {
    // Prepare
    await t.open('spa.html');

    // Act / Assess
    await expectEventsInAction(
      t.collector,
      () =>
        t.page.evaluate(() => {
          window.go('/spa/login', 'Login');
          window.go('/spa/dashboard', 'Dashboard', true);
        }),
      {
        expected: [{ type: 'page', url: `${t.collector.url}/spa/dashboard` }],
        refuted: [{ type: 'page', url: `${t.collector.url}/spa/login` }],
        settleMs: 500,
      },
    );
  });
});
