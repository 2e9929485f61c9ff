import type { ScheduledEvent } from 'aws-lambda';

export type ScheduledHandler = (event: ScheduledEvent) => Promise<unknown>;

export interface Schedule {
  readonly name: string;
  /** EventBridge rate expression: `rate(5 minutes)`, `rate(1 hour)`, `rate(1 day)`. */
  readonly expression: string;
  readonly handler: ScheduledHandler;
  /**
   * Also run `delayMs` after start: a laptop runtime seldom stays up a whole period, so a daily job
   * would otherwise never run. @default never
   */
  readonly afterStart?: { readonly delayMs: number };
}

/** Milliseconds between runs of a `rate(...)` expression. */
export function rateToMs(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!match) throw new Error(`unsupported schedule expression: ${expression}`);
  const unit = (match[2] as string).replace(/s$/, '');
  const perUnit = unit === 'minute' ? 60_000 : unit === 'hour' ? 3_600_000 : 86_400_000;
  return Number(match[1]) * perUnit;
}

/**
 * Plays EventBridge scheduled rules: invokes each handler every period with a `ScheduledEvent`.
 * A run still going when the next is due is not overlapped.
 */
export function createScheduler(
  schedules: readonly Schedule[],
  log = (m: string, e?: unknown) => console.error(m, e ?? ''),
) {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  return {
    start() {
      for (const schedule of schedules) {
        let busy = false;
        const tick = () => {
          if (busy) return;
          busy = true;
          const run = schedule
            .handler({
              version: '0',
              id: crypto.randomUUID(),
              'detail-type': 'Scheduled Event',
              source: 'aws.events',
              account: 'local',
              time: new Date().toISOString(),
              region: 'local',
              resources: [`arn:aws:events:local:000000000000:rule/${schedule.name}`],
              detail: {},
            })
            .catch((error) => log(`schedule ${schedule.name} failed`, error))
            .finally(() => {
              busy = false;
              running.delete(run);
            });
          running.add(run);
        };
        timers.push(setInterval(tick, rateToMs(schedule.expression)));
        if (schedule.afterStart) timers.push(setTimeout(tick, schedule.afterStart.delayMs));
      }
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      await Promise.all(running);
    },
  };
}
