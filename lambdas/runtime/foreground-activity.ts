/**
 * Whether the local HTTP server is serving traffic right now. In AWS the collector and the
 * enrichment consumer run on separate machines, decoupled by Kinesis; in `npm start` they share
 * one event loop, so background pollers ask this before taking CPU from requests and let the
 * stream absorb a burst instead (see `StreamPollerOptions.yieldTo`).
 *
 * @example
 * const activity = createForegroundActivity();
 * const server = createLocalHttpServer({ routes, activity });
 * createStreamPoller({ ..., yieldTo: activity });
 */
export interface ForegroundActivity {
  /** A request started. */
  begin(): void;
  /** A request finished (answered or failed). */
  end(): void;
  /** True while requests are in flight, and for `quietMs` after the last one finished. */
  busy(): boolean;
}

export interface ForegroundActivityOptions {
  /** How long after the last request the server still counts as busy. @default 50 */
  readonly quietMs?: number;
  readonly now?: () => number;
}

export function createForegroundActivity(options: ForegroundActivityOptions = {}): ForegroundActivity {
  const quietMs = options.quietMs ?? 50;
  const now = options.now ?? Date.now;
  let inFlight = 0;
  let lastEndedAt = Number.NEGATIVE_INFINITY;
  return {
    begin() {
      inFlight += 1;
    },
    end() {
      inFlight = Math.max(0, inFlight - 1);
      lastEndedAt = now();
    },
    busy: () => inFlight > 0 || now() - lastEndedAt < quietMs,
  };
}
