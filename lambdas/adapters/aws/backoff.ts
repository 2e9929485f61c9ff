/** Waits `ms` milliseconds. Adapters take one so that tests can skip real waiting. */
export type Sleep = (ms: number) => Promise<void>;

export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface BackoffOptions {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Ceiling of the first retry's delay; it doubles on each retry. */
  readonly baseDelayMs: number;
  /** No delay exceeds this. */
  readonly maxDelayMs: number;
}

/**
 * The delay before retry number `retry` (0 for the first retry): exponential growth with "full jitter",
 * so that many clients throttled together do not retry in lockstep
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 *
 * @example
 * await sleep(backoffDelay(attempt, { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 2_000 }));
 */
export function backoffDelay(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}
