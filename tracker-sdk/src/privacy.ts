/**
 * Consent, DNT / GPC and `data-sl-ignore`. Consent starts withheld (cookieless mode: no cookie,
 * no storage, no persistent id) unless the tag says `data-consent="granted"` or an earlier grant
 * was stored; `sightline('consent', { analytics, marketing })` changes it.
 */
export const consent = {
  /** Analytics: persistent ids, cookie and storage. */
  a: false,
  /** Marketing: ad click ids (gclid, fbclid, ...) kept and sent in `ctx.clid`. */
  m: false,
};

interface PrivacyNavigator {
  doNotTrack?: string | null;
  globalPrivacyControl?: boolean;
}

export const dntSignal = (): boolean => {
  const n = navigator as PrivacyNavigator;
  return n.doNotTrack === '1' || (window as PrivacyNavigator).doNotTrack === '1';
};

export const gpcSignal = (): boolean => (navigator as PrivacyNavigator).globalPrivacyControl === true;

/** `<html data-sl-ignore>` or `<body data-sl-ignore>`: nothing is captured on this page. */
export const pageIgnored = (): boolean => {
  const b = document.body;
  return document.documentElement.hasAttribute('data-sl-ignore') || (!!b && b.hasAttribute('data-sl-ignore'));
};

/** An element inside `[data-sl-ignore]` is not captured. */
export const ignored = (el: Element): boolean => !!el.closest('[data-sl-ignore]');

/** The visitor's DNT or GPC signal, where the site honours it (both honoured until the site config says otherwise). */
export const optedOut = (honorDnt: boolean, honorGpc: boolean): boolean =>
  (honorDnt && dntSignal()) || (honorGpc && gpcSignal());
