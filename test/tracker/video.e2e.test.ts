import { expectEventsInAction } from './support/expect-events';
import { setUpTrackerTest } from './support/tracker-test';

const t = setUpTrackerTest();

describe('HTML5 video', () => {
  it('sends play, progress at 25, 50 and 75 percent, and complete for a video played to the end', async () => {
    // Prepare
    await t.open('video.html');
    const src = `${t.collector.url}/media/tone.wav`;

    // Act
    const events = await expectEventsInAction(
      t.collector,
      () => t.page.evaluate(() => (document.getElementById('clip') as HTMLVideoElement).play()),
      {
        expected: [
          { type: 'track', name: 'video_play', props: { src, current_time: 0 } },
          { name: 'video_progress', props: { src, percent: 25 } },
          { name: 'video_progress', props: { src, percent: 50 } },
          { name: 'video_progress', props: { src, percent: 75 } },
          { name: 'video_complete', props: { src, current_time: 2 } },
        ],
        refuted: [{ name: 'video_pause' }],
        timeoutMs: 15000,
        settleMs: 500,
      },
    );

    // Assess
    expect(events.filter((e) => e.name === 'video_progress').map((e) => e.props?.percent)).toEqual([25, 50, 75]);
  });

  it('sends pause with the current time', async () => {
    // Prepare
    await t.open('video.html');
    await t.page.evaluate(() => (document.getElementById('clip') as HTMLVideoElement).play());
    await t.page.waitForFunction(() => (document.getElementById('clip') as HTMLVideoElement).currentTime > 0.5);

    // Act
    const events = await expectEventsInAction(
      t.collector,
      () => t.page.evaluate(() => (document.getElementById('clip') as HTMLVideoElement).pause()),
      { expected: [{ name: 'video_pause' }] },
    );

    // Assess
    const time = events.find((e) => e.name === 'video_pause')?.props?.current_time;
    expect(time).toBeGreaterThanOrEqual(0.5);
    expect(time).toBeLessThan(2);
  });
});
