import type { SiteConfig } from './types';
import { safe } from './util';

/**
 * What the script tag and `GET {endpoint}/c` say. Until the site config arrives the defaults hold:
 * DNT and GPC honoured, everything sampled in, no affiliate patterns.
 */
export const cfg = {
  site: '',
  /** Collector origin (plus optional path), no trailing slash. */
  ep: '',
  rate: 1,
  dnt: true,
  gpc: true,
  pats: [] as string[],
  /** The site config has answered (or failed): delivery may decide on DNT/GPC and sampling. */
  ready: false,
  /** The collector is same-site with the page (first-party serving): it may set the id cookie. */
  fp: false,
};

/**
 * The site of a host name: its last two labels (an IP address whole). Near enough without the
 * public suffix list: under `co.uk` two sites look like one, and the collector still decides.
 */
const siteOf = (host: string): string => (/^[\d.]+$|:/.test(host) ? host : host.split('.').slice(-2).join('.'));

let script: Element | null = null;
const readyHooks: (() => void)[] = [];

/** The value of `data-<name>` on the script tag. */
export const attr = (name: string): string | null => (script ? script.getAttribute(`data-${name}`) : null);

/** An automatic capture is on unless its `data-<name>` attribute says `"false"`. */
export const auto = (name: string): boolean => attr(name) !== 'false';

export const onReady = (fn: () => void): void => {
  readyHooks.push(fn);
};

const bool = (value: string | null, fallback: boolean): boolean => (value === null ? fallback : value !== 'false');

/** Reads the script tag and starts fetching the site config. Returns false when there is no site key. */
export const init = (): boolean => {
  script = document.currentScript || document.querySelector('script[data-site]');
  const site = attr('site');
  if (!site) return false;
  cfg.site = site;
  cfg.ep = (attr('endpoint') || new URL((script as HTMLScriptElement).src, location.href).origin).replace(/\/+$/, '');
  cfg.fp = siteOf(new URL(cfg.ep, location.href).hostname) === siteOf(location.hostname);
  // The tag has the last word over the site config, and holds before it arrives.
  const rate = Number.parseFloat(attr('sample-rate') || '');
  if (rate >= 0) cfg.rate = rate;
  cfg.dnt = bool(attr('honor-dnt'), true);
  cfg.gpc = bool(attr('honor-gpc'), true);
  const done = safe((c: Partial<SiteConfig> | null) => {
    if (c) {
      if (Array.isArray(c.affiliatePatterns)) cfg.pats = c.affiliatePatterns.filter((p) => typeof p === 'string');
      if (typeof c.sampleRate === 'number' && !(rate >= 0)) cfg.rate = c.sampleRate;
      if (c.honorDnt === false && attr('honor-dnt') === null) cfg.dnt = false;
      if (c.honorGpc === false && attr('honor-gpc') === null) cfg.gpc = false;
    }
    cfg.ready = true;
    for (const fn of readyHooks) fn();
  });
  fetch(`${cfg.ep}/c?site=${encodeURIComponent(site)}`, { credentials: 'omit' })
    .then((r) => (r.ok ? r.json() : null))
    .then(done, () => done(null));
  return true;
};
