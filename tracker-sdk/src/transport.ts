import { cfg, onReady } from './config';
import { id } from './identity';
import { consent, optedOut } from './privacy';
import { backoff, bounded, settled } from './retry';
import { KEYS, read, remove, write } from './storage';
import type { TrackedEvent } from './types';
import { now, on, safe } from './util';

/**
 * Delivery: batches of up to 20 events or 2 s, `fetch` with `keepalive` and a `text/plain` body
 * (a CORS simple request) under 64 KB, `sendBeacon` when the page is hidden or left. Failed
 * batches wait in a bounded retry queue (localStorage only with consent) and go again with
 * exponential backoff and jitter, or at once when the browser comes back online.
 */
const BATCH_MAX = 20;
const BATCH_MS = 2000;
const BODY_MAX = 64000;

let buf: TrackedEvent[] = [];
let rq: TrackedEvent[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;
let rtimer: ReturnType<typeof setTimeout> | undefined;
let attempt = 0;
let busy = false;
/** The per-page draw used for sampling when there is no anonymous id to hash. */
const draw = Math.random();
const leaveHooks: (() => void)[] = [];

/** Events never written to storage (the e-mail captured from a form). */
export const volatile = new WeakSet<TrackedEvent>();

/** Runs before the last flush when the page is left (engagement, a pending SPA page view). */
export const onLeave = (fn: () => void): void => {
  leaveHooks.push(fn);
};

/** FNV-1a onto [0, 1): a visitor stays in or out of the sample across pages. */
const unit = (s: string): number => {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
};

const allowed = (): boolean => !optedOut(cfg.dnt, cfg.gpc) && (id.aid ? unit(id.aid) : draw) < cfg.rate;

const save = (): void => {
  if (!SL_FEATURES.retry) return;
  const kept = rq.filter((e) => !volatile.has(e));
  if (kept.length) write(KEYS.queue, JSON.stringify(kept));
  else remove(KEYS.queue);
};

/** Resolves true when the batch is done with (accepted, or refused for good), false to retry it. */
const deliver = (events: TrackedEvent[], leaving?: boolean): Promise<boolean> => {
  const url = `${cfg.ep}/e`;
  const body = JSON.stringify({ site: cfg.site, sdk: `sightline-js/${SL_VERSION}`, sentAt: now(), events });
  if (new Blob([body]).size > BODY_MAX) {
    // One event cannot exceed the bounds by much; halve a batch until each part fits.
    if (events.length < 2) return Promise.resolve(true);
    const half = events.length >> 1;
    return Promise.all([deliver(events.slice(0, half), leaving), deliver(events.slice(half), leaving)]).then(
      (r) => r[0] && r[1],
    );
  }
  if (leaving && navigator.sendBeacon?.(url, body)) return Promise.resolve(true);
  // Credentials only to a same-site collector and with consent: its Set-Cookie then stores the id as
  // a server-set first-party cookie, which ITP does not cut to 7 days as it does script-set ones.
  const credentials = cfg.fp && consent.a ? 'include' : 'omit';
  return fetch(url, { method: 'POST', body, keepalive: true, credentials }).then(
    (r) => settled(r.status),
    () => false,
  );
};

const done = (events: TrackedEvent[]): void => {
  attempt = 0;
  if (!SL_FEATURES.retry) return;
  rq = rq.filter((e) => events.indexOf(e) < 0);
  save();
};

const keep = (events: TrackedEvent[]): void => {
  if (!SL_FEATURES.retry) return;
  for (const e of events) if (rq.indexOf(e) < 0) rq.push(e);
  rq = bounded(rq);
  save();
  schedule();
};

const schedule = (): void => {
  if (!rtimer && !busy) rtimer = setTimeout(retry, backoff(attempt++));
};

const retry = safe(() => {
  rtimer = undefined;
  // Offline: the `online` event brings us back here.
  if (busy || !rq.length || !cfg.ready || !navigator.onLine) return;
  if (!allowed()) {
    rq = [];
    save();
    return;
  }
  busy = true;
  const chunk = rq.slice(0, BATCH_MAX);
  deliver(chunk).then(
    safe((ok: boolean) => {
      busy = false;
      if (!ok) schedule();
      else {
        done(chunk);
        retry();
      }
    }),
  );
});

const send = (events: TrackedEvent[], leaving?: boolean): void => {
  // A beacon sent offline is lost without a word: keep the events for the next page instead.
  if (leaving && !navigator.onLine) keep(events);
  else deliver(events, leaving).then(safe((ok: boolean) => (ok ? done(events) : keep(events))));
};

/** Sends what is buffered; waits for the site config unless the page is being left. */
export const flush = safe((leaving?: boolean) => {
  clearTimeout(timer);
  timer = undefined;
  if (!buf.length || (!cfg.ready && !leaving)) return;
  const events = buf;
  buf = [];
  if (!allowed()) return;
  for (let i = 0; i < events.length; i += BATCH_MAX) send(events.slice(i, i + BATCH_MAX), leaving);
});

export const push = (e: TrackedEvent): void => {
  buf.push(e);
  if (buf.length >= BATCH_MAX) flush();
  else if (!timer) timer = setTimeout(flush, BATCH_MS);
};

export const init = (): void => {
  if (SL_FEATURES.retry) {
    try {
      const q: unknown = JSON.parse(read(KEYS.queue) || '[]');
      if (Array.isArray(q)) rq = bounded(q as TrackedEvent[]);
    } catch {
      // A corrupt queue is dropped.
    }
    on(window, 'online', () => {
      attempt = 0;
      clearTimeout(rtimer);
      retry();
    });
  }
  onReady(() => {
    flush();
    retry();
  });
  on(document, 'visibilitychange', () => document.visibilityState === 'hidden' && flush(true));
  on(window, 'pagehide', () => {
    for (const fn of leaveHooks) fn();
    flush(true);
  });
};
