/**
 * Paces background batches while foreground requests are being served (`npm start` runs the
 * collector and the stream consumer on one event loop; in AWS Kinesis decouples them): one batch
 * at a time, and after each a rest so that batches take at most `busyShare` of the time. When the
 * foreground is quiet, batches run back to back. Work is only delayed, never skipped: the stream
 * keeps what the collector acknowledged, and the consumer catches up once the burst is over.
 * Batch sizes are left alone: a retried batch must be the same batch (its lake file and event-id
 * claims are named after its sequence range).
 *
 * @example
 * const pacer = createBackgroundPacer({ yieldTo: activity });
 * const done = await pacer.turn();
 * try { await processBatch(); } finally { done(); }
 */
export interface BackgroundPacer {
  /** Waits until a batch may run; call the returned function once it is over. */
  turn(): Promise<() => void>;
}

export interface BackgroundPacerOptions {
  readonly yieldTo?: { busy(): boolean };
  /** Largest fraction of the time batches may take while the foreground is busy. @default 0.1 */
  readonly busyShare?: number;
  /** Longest single rest, so one slow batch does not stall the consumer for long. @default 1000 */
  readonly maxRestMs?: number;
  /** Whether to keep waiting (false once the poller stops). */
  readonly running?: () => boolean;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<unknown>;
}

export function createBackgroundPacer(options: BackgroundPacerOptions): BackgroundPacer {
  const { yieldTo } = options;
  const share = Math.min(1, Math.max(0.01, options.busyShare ?? 0.1));
  const maxRestMs = options.maxRestMs ?? 1_000;
  const running = options.running ?? (() => true);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  let restUntil = 0;
  let holder: Promise<void> | undefined;

  return {
    async turn() {
      if (!yieldTo) return () => undefined;
      // Wait for the batch in flight and the rest it earned, for as long as requests keep coming.
      for (;;) {
        if (!running() || !yieldTo.busy()) break;
        if (holder) {
          await holder;
          continue;
        }
        const wait = restUntil - now();
        if (wait <= 0) break;
        await sleep(Math.min(wait, 50));
      }
      const started = now();
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      holder = held;
      return () => {
        if (holder === held) holder = undefined;
        const took = now() - started;
        restUntil = yieldTo.busy() ? now() + Math.min(maxRestMs, (took * (1 - share)) / share) : 0;
        release();
      };
    },
  };
}
