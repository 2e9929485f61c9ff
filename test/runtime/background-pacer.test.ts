import { createBackgroundPacer } from '../../lambdas/runtime/background-pacer';
import { createForegroundActivity } from '../../lambdas/runtime/foreground-activity';

/** A clock that only moves when the code under test sleeps or a batch is said to take time. */
function fakeClock() {
  let time = 1_000;
  const slept: number[] = [];
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
    sleep: async (ms: number) => {
      slept.push(ms);
      time += ms;
    },
    slept,
  };
}

describe('background pacer', () => {
  it('runs batches back to back while the foreground is quiet', async () => {
    // Prepare
    const clock = fakeClock();
    const pacer = createBackgroundPacer({ yieldTo: { busy: () => false }, now: clock.now, sleep: clock.sleep });

    // Act
    for (let i = 0; i < 3; i++) {
      const done = await pacer.turn();
      clock.advance(100);
      done();
    }

    // Assess
    expect(clock.slept).toEqual([]);
  });

  it('rests after each batch while the foreground is busy, so batches take at most their share', async () => {
    // Prepare
    const clock = fakeClock();
    const pacer = createBackgroundPacer({
      yieldTo: { busy: () => true },
      busyShare: 0.2,
      now: clock.now,
      sleep: clock.sleep,
    });

    // Act: two batches of 20 ms each.
    const started = clock.now();
    for (let i = 0; i < 2; i++) {
      const done = await pacer.turn();
      clock.advance(20);
      done();
    }
    await pacer.turn();

    // Assess: 20 ms of work earns 80 ms of rest; 40 ms of work over 200 ms is a share of 0.2.
    expect(clock.now() - started).toBe(200);
  });

  it('lets one batch run at a time while the foreground is busy', async () => {
    // Prepare
    const clock = fakeClock();
    const pacer = createBackgroundPacer({ yieldTo: { busy: () => true }, now: clock.now, sleep: clock.sleep });
    const first = await pacer.turn();

    // Act
    let secondStarted = false;
    const second = pacer.turn().then((done) => {
      secondStarted = true;
      return done;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const startedWhileFirstRan = secondStarted;
    first();
    (await second)();

    // Assess
    expect(startedWhileFirstRan).toBe(false);
    expect(secondStarted).toBe(true);
  });

  it('stops resting as soon as the foreground goes quiet', async () => {
    // Prepare
    const clock = fakeClock();
    let busy = true;
    const pacer = createBackgroundPacer({
      yieldTo: { busy: () => busy },
      busyShare: 0.01,
      now: clock.now,
      sleep: async (ms) => {
        await clock.sleep(ms);
        busy = false;
      },
    });
    const done = await pacer.turn();
    clock.advance(500);
    done();

    // Act
    const before = clock.now();
    await pacer.turn();

    // Assess: one short sleep, not the long rest the batch earned.
    expect(clock.now() - before).toBeLessThanOrEqual(50);
  });

  it('never rests longer than maxRestMs after one slow batch', async () => {
    // Prepare
    const clock = fakeClock();
    const pacer = createBackgroundPacer({
      yieldTo: { busy: () => true },
      maxRestMs: 300,
      now: clock.now,
      sleep: clock.sleep,
    });
    const done = await pacer.turn();
    clock.advance(10_000);
    done();

    // Act
    const before = clock.now();
    await pacer.turn();

    // Assess
    expect(clock.now() - before).toBe(300);
  });
});

describe('foreground activity', () => {
  it('is busy while a request is in flight and for the quiet period after the last one', () => {
    // Prepare
    let time = 0;
    const activity = createForegroundActivity({ quietMs: 50, now: () => time });
    const idleAtStart = activity.busy();

    // Act
    activity.begin();
    const duringRequest = activity.busy();
    time = 100;
    activity.end();
    time = 149;
    const justAfter = activity.busy();
    time = 150;
    const afterQuietPeriod = activity.busy();

    // Assess
    expect([idleAtStart, duringRequest, justAfter, afterQuietPeriod]).toEqual([false, true, true, false]);
  });
});
