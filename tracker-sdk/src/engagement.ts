import { auto } from './config';
import { track } from './emit';
import { onPageChange } from './pageviews';
import { onLeave } from './transport';
import { now, on } from './util';

const MILESTONES = [25, 50, 75, 90];

let visibleMs = 0;
let since = 0;
let max = 0;
let hit: number[] = [];
let milestones = true;

const visible = (): boolean => document.visibilityState === 'visible';

/** How far down the page the bottom of the viewport is, in percent. */
const depth = (): number => {
  const b = document.body;
  const h = Math.max(document.documentElement.scrollHeight, b ? b.scrollHeight : 0);
  return h ? Math.min(100, Math.round(((scrollY + innerHeight) / h) * 100)) : 0;
};

const measure = (): number => {
  const p = depth();
  if (p > max) max = p;
  return p;
};

const scrolled = (): void => {
  const p = measure();
  if (!milestones) return;
  for (const m of MILESTONES) {
    if (p >= m && hit.indexOf(m) < 0) {
      hit.push(m);
      track('scroll_depth', { percent: m });
    }
  }
};

/** `page_engagement` for the page being left; `url` names it when an SPA has already moved on. */
const leave = (url?: string): void => {
  if (!url) measure();
  track('page_engagement', { visible_ms: visibleMs + (since ? now() - since : 0), max_scroll: max }, url);
  visibleMs = 0;
  since = visible() ? now() : 0;
  max = 0;
  hit = [];
};

export const init = (): void => {
  if (!SL_FEATURES.engagement || !auto('engagement')) return;
  milestones = auto('scroll');
  since = visible() ? now() : 0;
  measure();
  on(window, 'load', measure);
  on(window, 'scroll', scrolled, false);
  on(document, 'visibilitychange', () => {
    if (visible()) since = since || now();
    else {
      if (since) visibleMs += now() - since;
      since = 0;
    }
  });
  onPageChange((previousUrl) => {
    leave(previousUrl);
    measure();
  });
  onLeave(() => leave());
};
