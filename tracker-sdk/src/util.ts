import type { Props, PropValue } from './types';

/** Wraps a callback so nothing it throws ever reaches the host page. */
export const safe =
  <A extends unknown[]>(fn: (...args: A) => unknown) =>
  (...args: A): void => {
    try {
      fn(...args);
    } catch {
      // The tracker must never break the page it measures.
    }
  };

/** `addEventListener` through `safe`, capture phase unless told otherwise, passive. */
export const on = <E extends Event>(
  target: EventTarget,
  type: string,
  fn: (event: E) => unknown,
  capture = true,
): void => target.addEventListener(type, safe(fn as (event: Event) => unknown), { capture, passive: true });

/** A random id of 20-28 characters from the platform's CSPRNG (available on plain http too). */
export const rid = (): string => {
  let s = '';
  for (const n of crypto.getRandomValues(new Uint32Array(4))) s += n.toString(36);
  return s;
};

export const clip = (value: unknown, max: number): string => String(value).slice(0, max);

export const now = (): number => Date.now();

/**
 * Bounds properties the way the collector validates them (≤ 50 keys, keys ≤ 128, strings ≤ 1024,
 * finite numbers), so one odd value never gets a whole batch rejected.
 *
 * @example cleanProps({ plan: 'pro', seats: 3, at: new Date(0) }) // { plan: 'pro', seats: 3, at: 'Thu Jan 01 ...' }
 */
export const cleanProps = (input: unknown): Props | undefined => {
  if (!input || typeof input !== 'object') return undefined;
  const out: Props = {};
  let n = 0;
  for (const key of Object.keys(input)) {
    if (n++ >= 50) break;
    const v: unknown = (input as Record<string, unknown>)[key];
    let value: PropValue;
    if (!key) continue;
    if (v === null || typeof v === 'boolean') value = v;
    else if (typeof v === 'number') value = Number.isFinite(v) ? v : null;
    else if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    else value = clip(v, 1024);
    out[clip(key, 128)] = value;
  }
  return out;
};
