import { createScheduler, rateToMs } from '../../lambdas/runtime/scheduler';

describe('local scheduler (EventBridge rate rules)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reads rate expressions and refuses others', () => {
    expect(rateToMs('rate(5 minutes)')).toBe(300_000);
    expect(rateToMs('rate(1 day)')).toBe(86_400_000);
    expect(() => rateToMs('cron(0 3 * * ? *)')).toThrow(/unsupported schedule expression/);
  });

  it('invokes a handler every period with a scheduled event, and once after start when asked', async () => {
    // Prepare
    const runs: { name: string; source: string }[] = [];
    const scheduler = createScheduler([
      {
        name: 'daily',
        expression: 'rate(1 day)',
        afterStart: { delayMs: 30_000 },
        handler: async (event) => void runs.push({ name: 'daily', source: event.source }),
      },
      {
        name: 'hourly',
        expression: 'rate(1 hour)',
        handler: async () => void runs.push({ name: 'hourly', source: '' }),
      },
    ]);

    // Act
    scheduler.start();
    await jest.advanceTimersByTimeAsync(30_000);
    const afterStart = runs.map((r) => r.name);
    await jest.advanceTimersByTimeAsync(86_400_000);
    await scheduler.stop();

    // Assess
    expect(afterStart).toEqual(['daily']);
    expect(runs.filter((r) => r.name === 'hourly')).toHaveLength(24);
    expect(runs.filter((r) => r.name === 'daily')).toEqual([
      { name: 'daily', source: 'aws.events' },
      { name: 'daily', source: 'aws.events' },
    ]);
  });

  it('does not overlap a run still going, and stop waits for it', async () => {
    // Prepare
    let started = 0;
    let finished = 0;
    const scheduler = createScheduler([
      {
        name: 'slow',
        expression: 'rate(1 minute)',
        handler: async () => {
          started++;
          await new Promise((resolve) => setTimeout(resolve, 150_000));
          finished++;
        },
      },
    ]);

    // Act
    scheduler.start();
    await jest.advanceTimersByTimeAsync(120_000);
    const stopped = scheduler.stop();
    await jest.advanceTimersByTimeAsync(150_000);
    await stopped;

    // Assess
    expect(started).toBe(1);
    expect(finished).toBe(1);
  });
});
