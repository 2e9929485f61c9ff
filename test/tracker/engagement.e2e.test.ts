import { expectEventsInAction } from './support/expect-events';
import { leavePage, setUpTrackerTest } from './support/tracker-test';

const t = setUpTrackerTest();

/** Scrolls so the bottom of the window is at `percent` of the page, and waits for the scroll event. */
const scrollToPercent = (percent: number) =>
  t.page.evaluate(
    (p) =>
      new Promise<void>((resolve) => {
        window.addEventListener('scroll', () => resolve(), { once: true });
        window.scrollTo(0, (document.documentElement.scrollHeight * p) / 100 - window.innerHeight);
      }),
    percent,
  );

describe('scroll depth', () => {
  it('sends each milestone at 25, 50, 75 and 90 percent once', async () => {
    // Prepare
    await t.open('long.html');

    // Act
    const events = await expectEventsInAction(
      t.collector,
      async () => {
        await scrollToPercent(30);
        await scrollToPercent(60);
        await scrollToPercent(100);
        await scrollToPercent(40);
        await scrollToPercent(100);
      },
      {
        expected: [25, 50, 75, 90].map((percent) => ({ type: 'track', name: 'scroll_depth', props: { percent } })),
        settleMs: 2500,
      },
    );

    // Assess
    const milestones = events.filter((e) => e.name === 'scroll_depth').map((e) => e.props?.percent);
    expect(milestones).toEqual([25, 50, 75, 90]);
  });

  it('sends no milestone for a page that fits the window', async () => {
    // Prepare
    await t.open('next.html');

    // Act / Assess
    await expectEventsInAction(t.collector, () => t.page.evaluate(() => window.scrollTo(0, 100)), {
      refuted: [{ name: 'scroll_depth' }],
    });
  });
});

describe('page engagement', () => {
  it('sends visible time and maximum scroll depth when the page is left', async () => {
    // Prepare
    await t.open('long.html');
    await scrollToPercent(60);
    await scrollToPercent(20);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    // Act
    const events = await expectEventsInAction(t.collector, () => leavePage(t.page), {
      expected: [{ type: 'track', name: 'page_engagement', url: `${t.collector.url}/long.html` }],
    });

    // Assess
    const props = events.find((e) => e.name === 'page_engagement')?.props;
    expect(props?.visible_ms).toBeGreaterThanOrEqual(1000);
    expect(props?.visible_ms).toBeLessThan(30000);
    expect(props?.max_scroll).toBeGreaterThanOrEqual(59);
    expect(props?.max_scroll).toBeLessThanOrEqual(61);
  });

  it('does not count time while the page is hidden', async () => {
    // Prepare: headless Chromium keeps pages visible, so the page is told it was hidden for 1.5 s.
    await t.open('long.html');
    const setVisibility = (state: 'hidden' | 'visible') =>
      t.page.evaluate((s) => {
        Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, state);
    await setVisibility('hidden');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await setVisibility('visible');

    // Act
    const events = await expectEventsInAction(t.collector, () => leavePage(t.page), {
      expected: [{ name: 'page_engagement' }],
    });

    // Assess
    expect(events.find((e) => e.name === 'page_engagement')?.props?.visible_ms).toBeLessThan(1500);
  });
});
