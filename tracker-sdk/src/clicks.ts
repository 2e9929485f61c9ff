import { type AffiliateMatcher, compileAffiliatePatterns } from './affiliate';
import { auto, cfg } from './config';
import { track } from './emit';
import { classifyLink } from './links';
import { ignored } from './privacy';
import type { Props } from './types';
import { cleanProps, clip, on } from './util';

const PROP_PREFIX = 'data-sl-prop-';

let patterns: string[] | undefined;
let matcher: AffiliateMatcher | undefined;

/** The matcher for the current site config, compiled once per pattern list. */
const affiliate = (): AffiliateMatcher | undefined => {
  if (patterns !== cfg.pats) {
    patterns = cfg.pats;
    matcher = patterns.length ? compileAffiliatePatterns(patterns) : undefined;
  }
  return matcher;
};

const click = (e: MouseEvent): void => {
  const target = e.target as Element | null;
  if (!target?.closest || ignored(target)) return;
  const tagged = target.closest('[data-sl-event]:not([data-sl-event=""])');
  if (tagged) {
    const props: Props = {};
    for (const a of Array.prototype.slice.call(tagged.attributes) as Attr[]) {
      if (a.name.indexOf(PROP_PREFIX) === 0) props[a.name.slice(PROP_PREFIX.length)] = a.value;
    }
    track(clip(tagged.getAttribute('data-sl-event'), 200), cleanProps(props));
    return;
  }
  const link = target.closest('a[href],area[href]') as HTMLAnchorElement | null;
  if (!link || typeof link.href !== 'string') return; // SVG links have an object href.
  const hit = classifyLink(link, location.host, affiliate(), link.hasAttribute('download'));
  if (hit) track(hit[0], hit[1]);
};

export const init = (): void => {
  if (!SL_FEATURES.clicks || !auto('clicks')) return;
  on(document, 'click', click);
  // Middle-click opens a link in a new tab without a `click` event.
  on(document, 'auxclick', (e: MouseEvent) => e.button === 1 && click(e));
};
