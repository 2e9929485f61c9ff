/** SQLSTATEs after which the same transaction, run again, can succeed. */
const RETRYABLE = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '23505', // unique_violation: a concurrent writer created the row first (companies)
]);

/** Whether an error (or one of its causes) is a transient conflict between concurrent transactions. */
export function isRetryableConflict(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE.has(code)) return true;
    // The Data API passes PostgreSQL's message but not its SQLSTATE.
    const message = (e as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /deadlock detected|could not serialize access|duplicate key value violates unique constraint/.test(message)
    )
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Full-jitter backoff before attempt `attempt` (1-based): up to 10 ms × 2^attempt, at most 500 ms. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(500, 10 * 2 ** attempt));
}
