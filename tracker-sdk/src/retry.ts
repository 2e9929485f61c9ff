/** Pure pieces of the retry policy, kept apart so they can be unit-tested. */

export const RETRY_BASE_MS = 1000;
export const RETRY_CAP_MS = 60000;
/** Failed events kept for retry (memory and, with consent, localStorage); the oldest go first. */
export const RETRY_MAX_EVENTS = 200;

/**
 * Exponential backoff with jitter: attempt n waits between half and all of min(cap, base·2ⁿ).
 *
 * @example backoff(0, 1) // 1000
 * @example backoff(10, 0) // 30000
 */
export const backoff = (attempt: number, random = Math.random()): number =>
  Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt) * (0.5 + random / 2);

/** Keeps the newest `max` items (drops the oldest). */
export const bounded = <T>(items: T[], max = RETRY_MAX_EVENTS): T[] =>
  items.length > max ? items.slice(items.length - max) : items;

/** 2xx is done, and so is a 4xx other than 408/429 (the collector will never take it); the rest is retried. */
export const settled = (status: number): boolean =>
  (status >= 200 && status < 300) || (status >= 400 && status < 500 && status !== 408 && status !== 429);
