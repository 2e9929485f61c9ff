import { type BackoffOptions, backoffDelay, type Sleep } from './backoff';

/** An entry of a batch request that the service reported as not written. */
export interface EntryFailure {
  /** Index into the items of the request. */
  readonly position: number;
  /** False when sending it again cannot help (a malformed entry). */
  readonly retryable: boolean;
  /** The service's code and message, for the error raised at the end. */
  readonly reason: string;
}

export interface BatchRetryPolicy extends BackoffOptions {
  readonly sleep: Sleep;
  readonly random: () => number;
}

export interface BatchOutcome {
  /** Indexes into `items` of the entries still not written. */
  readonly failed: number[];
  /** What went wrong last, for the error message. */
  readonly reasons: string[];
  /** The error thrown by the last request, when the request itself failed. */
  readonly cause?: unknown;
}

/**
 * Sends `items` in one batch request, then sends again only the entries the service reported as failed,
 * with exponential backoff and jitter, until all are written or `maxAttempts` requests have been made.
 * A request that throws ends the retries (the SDK has already retried it): its entries count as failed.
 */
export async function sendBatchWithRetries<T>(
  items: readonly T[],
  send: (items: readonly T[]) => Promise<EntryFailure[]>,
  policy: BatchRetryPolicy,
): Promise<BatchOutcome> {
  let pending = items.map((_, index) => index);
  const permanent: number[] = [];
  let reasons: string[] = [];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await policy.sleep(backoffDelay(attempt - 1, policy, policy.random));
    let failures: EntryFailure[];
    try {
      failures = await send(pending.map((index) => items[index]));
    } catch (error) {
      return { failed: [...permanent, ...pending].sort((a, b) => a - b), reasons: [String(error)], cause: error };
    }
    reasons = failures.map((failure) => failure.reason);
    const retry: number[] = [];
    for (const failure of failures) {
      const index = pending[failure.position];
      if (index === undefined) continue;
      (failure.retryable ? retry : permanent).push(index);
    }
    pending = retry;
    if (attempt + 1 >= policy.maxAttempts) break;
  }
  return { failed: [...permanent, ...pending].sort((a, b) => a - b), reasons };
}
