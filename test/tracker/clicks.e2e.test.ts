import { expectEventsInAction } from './support/expect-events';
import { setUpTrackerTest } from './support/tracker-test';

const t = setUpTrackerTest();

const click = (selector: string) => () => t.page.click(selector);

describe('link clicks', () => {
  beforeEach(async () => {
    t.collector.setSiteConfig({ affiliatePatterns: ['amzn.to/*', '*.awin1.com/cread.php*'] });
    await t.open('links.html');
  });

  it('sends outbound_click for a link to another site', async () => {
    await expectEventsInAction(t.collector, click('#outbound'), {
      expected: [{ type: 'track', name: 'outbound_click', props: { href: 'https://example.org/pricing' } }],
    });
  });

  it('sends outbound_click for a middle click', async () => {
    await expectEventsInAction(t.collector, () => t.page.click('#outbound', { button: 'middle' }), {
      expected: [{ name: 'outbound_click', props: { href: 'https://example.org/pricing' } }],
    });
  });

  it('sends download with the file extension, or for a link with the download attribute', async () => {
    await expectEventsInAction(
      t.collector,
      async () => {
        await t.page.click('#download');
        await t.page.click('#download-attr');
      },
      {
        expected: [
          { name: 'download', props: { href: `${t.collector.url}/files/report.PDF`, ext: 'pdf' } },
          { name: 'download', props: { href: `${t.collector.url}/export?format=raw`, ext: '' } },
        ],
      },
    );
  });

  it('sends mailto_click and tel_click', async () => {
    await expectEventsInAction(
      t.collector,
      async () => {
        await t.page.click('#mailto');
        await t.page.click('#tel');
      },
      {
        expected: [
          { name: 'mailto_click', props: { href: 'mailto:hello@example.org' } },
          { name: 'tel_click', props: { href: 'tel:+15550100' } },
        ],
      },
    );
  });

  it('sends affiliate_click with the matching pattern instead of outbound_click', async () => {
    await expectEventsInAction(
      t.collector,
      async () => {
        await t.page.click('#affiliate');
        await t.page.click('#affiliate-short');
      },
      {
        expected: [
          {
            name: 'affiliate_click',
            props: { href: 'https://www.awin1.com/cread.php?awinmid=1234&p=shoes', pattern: '*.awin1.com/cread.php*' },
          },
          { name: 'affiliate_click', props: { href: 'https://amzn.to/3xYz', pattern: 'amzn.to/*' } },
        ],
        refuted: [{ name: 'outbound_click' }],
      },
    );
  });

  it('sends the data-sl-event name with data-sl-prop-* attributes as props', async () => {
    await expectEventsInAction(t.collector, click('#cta-label'), {
      expected: [{ type: 'track', name: 'signup_cta', props: { plan: 'pro', position: 'hero' } }],
    });
  });

  it('sends nothing for a same-site link or a link inside data-sl-ignore', async () => {
    await expectEventsInAction(
      t.collector,
      async () => {
        await t.page.click('#internal');
        await t.page.click('#ignored');
        await t.page.click('#outbound');
      },
      {
        expected: [{ name: 'outbound_click', props: { href: 'https://example.org/pricing' } }],
        refuted: [
          { props: { href: 'https://ignored.example.org/' } },
          { props: { href: `${t.collector.url}/next.html` } },
        ],
        settleMs: 500,
      },
    );
  });

  it('delivers the click on a link that navigates away', async () => {
    const events = await expectEventsInAction(
      t.collector,
      () => Promise.all([t.page.waitForNavigation(), t.page.click('#outbound-nav')]),
      {
        expected: [
          { name: 'outbound_click', props: { href: `${t.collector.otherOrigin}/next.html` } },
          { type: 'page', url: `${t.collector.otherOrigin}/next.html` },
        ],
      },
    );
    expect(events.find((e) => e.name === 'outbound_click')?.url).toBe(`${t.collector.url}/links.html`);
  });
});

describe('affiliate patterns at scale', () => {
  it('classifies with 500 configured patterns', async () => {
    // Prepare
    const decoys = Array.from({ length: 498 }, (_, i) => `*.partner-${i}.example/*ref=*`);
    t.collector.setSiteConfig({ affiliatePatterns: [...decoys, 'amzn.to/*', '*.awin1.com/cread.php*'] });
    await t.open('links.html');

    // Act / Assess
    await expectEventsInAction(t.collector, click('#affiliate'), {
      expected: [{ name: 'affiliate_click', props: { pattern: '*.awin1.com/cread.php*' } }],
    });
  });
});

describe('switched off', () => {
  it('sends no automatic capture when data- attributes switch them off', async () => {
    // Prepare
    await t.open('no-auto.html');

    // Act / Assess
    await expectEventsInAction(
      t.collector,
      async () => {
        await t.page.click('#outbound');
        await t.page.click('#submit');
        await t.page.evaluate(() => {
          window.scrollTo(0, document.documentElement.scrollHeight);
          return (document.getElementById('clip') as HTMLVideoElement).play();
        });
        await t.page.evaluate(() => window.sightline('track', 'sentinel'));
      },
      { expected: [{ name: 'sentinel' }], count: 1, settleMs: 2500 },
    );
  });
});
