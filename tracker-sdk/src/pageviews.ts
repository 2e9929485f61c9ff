import { auto } from './config';
import { emit } from './emit';
import { onLeave } from './transport';
import type { Props } from './types';
import { clip, on, safe } from './util';

/** SPA frameworks set the title after the URL; wait for it, and let redirect chains settle. */
const SPA_DELAY_MS = 300;

let last = '';
let withHash = true;
let pending: ReturnType<typeof setTimeout> | undefined;
const beforePage: ((previousUrl: string) => void)[] = [];

/** Runs before each page view after the first, with the URL being left (engagement uses it). */
export const onPageChange = (fn: (previousUrl: string) => void): void => {
  beforePage.push(fn);
};

const key = (url: string): string => (withHash ? url : url.split('#')[0]);

/** `sightline('page', props?)` and every automatic page view. */
export const page = (props?: Props): void => {
  clearTimeout(pending);
  pending = undefined;
  const previous = last;
  if (previous) for (const fn of beforePage) fn(previous);
  last = location.href;
  emit('page', {
    ref: clip(previous || document.referrer, 2048) || undefined,
    title: clip(document.title, 512),
    props,
  });
};

const fire = safe(() => {
  if (key(location.href) !== key(last)) page();
});

const changed = safe(() => {
  if (key(location.href) === key(last)) return;
  clearTimeout(pending);
  pending = setTimeout(fire, SPA_DELAY_MS);
});

/** The first page view, once queued consent and identity calls are replayed. */
export const start = (): void => {
  if (auto('pageviews')) page();
};

export const init = (): void => {
  // Back from the back-forward cache: the page is shown again without reloading.
  on(window, 'pageshow', (e: PageTransitionEvent) => {
    if (e.persisted && auto('pageviews')) {
      last = '';
      page();
    }
  });
  if (!SL_FEATURES.spa || !auto('pageviews') || !auto('spa')) return;
  withHash = auto('hash');
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      changed();
    };
  }
  on(window, 'popstate', changed);
  on(window, 'hashchange', changed);
  // A navigation right before leaving still counts.
  onLeave(() => pending && fire());
};
