import { emit } from './emit';
import { id, reset, save, setConsent } from './identity';
import { page } from './pageviews';
import { consent } from './privacy';
import { cleanProps, clip } from './util';

/** Calls that set state; replayed from the snippet's queue before the first page view. */
const STATEFUL = ['consent', 'identify', 'reset'];

const identify = (userId: unknown, traits?: unknown): void => {
  id.uid = userId === null || userId === undefined ? '' : clip(userId, 256);
  save();
  const t = cleanProps(traits);
  // Without analytics consent a user id is held in memory, never sent (see `grant`).
  if (consent.a && (id.uid || t)) emit('identify', { traits: t });
};

const grant = (choice: unknown): void => {
  const c = (choice || {}) as { analytics?: unknown; marketing?: unknown };
  const was = consent.a;
  setConsent(!!c.analytics, !!c.marketing);
  if (!was && consent.a && id.uid) emit('identify', {});
};

// A Map, so names like `__proto__` or `constructor` find nothing.
const commands = new Map<string, (...args: unknown[]) => void>([
  ['page', (props) => page(cleanProps(props))],
  [
    'track',
    (name, props) => {
      if (name) emit('track', { name: clip(name, 200), props: cleanProps(props) });
    },
  ],
  ['identify', identify],
  ['consent', grant],
  ['reset', reset],
]);

/** The public `sightline(command, ...args)`: never throws, ignores what it does not know. */
export const sightline = (...args: unknown[]): void => {
  try {
    const fn = commands.get(String(args[0]));
    if (fn) fn(...args.slice(1));
  } catch {
    // Never into the host page.
  }
};

/** Replays the snippet's queue: state-setting calls first (so the first page view carries them), the rest after. */
export const replay = (queue: ArrayLike<unknown>[], stateful: boolean): void => {
  for (const call of queue) {
    const args = Array.prototype.slice.call(call) as unknown[];
    if (STATEFUL.indexOf(String(args[0])) >= 0 === stateful) sightline(...args);
  }
};
