import { consent } from './privacy';

/**
 * Every byte the tracker keeps in the browser goes through here, and nothing is written unless
 * analytics consent is given (cookieless mode otherwise). Keys are prefixed `_sl_`.
 */
export const KEYS = { aid: '_sl_aid', session: '_sl_s', uid: '_sl_uid', consent: '_sl_c', queue: '_sl_q' };

const YEAR_SECONDS = 400 * 86400;

// Every access is in a try: localStorage may be missing, disabled (throws on access) or full.
export const read = (key: string): string | null => {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
};

export const write = (key: string, value: string): void => {
  if (!consent.a) return;
  try {
    localStorage.setItem(key, value);
  } catch {
    // Quota exceeded or storage disabled: the tracker carries on from memory.
  }
};

export const remove = (key: string): void => {
  try {
    localStorage.removeItem(key);
  } catch {
    // Nothing to clean if storage is unreachable.
  }
};

export const readCookie = (name: string): string | null => {
  const m = document.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`));
  return m && decodeURIComponent(m[1]);
};

/** A first-party, host-only cookie; `maxAge` 0 deletes it. */
export const writeCookie = (name: string, value: string, maxAge = YEAR_SECONDS): void => {
  if (maxAge && !consent.a) return;
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing from Firefox and older Safari.
  document.cookie = `${name}=${encodeURIComponent(value)};path=/;max-age=${maxAge};samesite=lax${
    location.protocol === 'https:' ? ';secure' : ''
  }`;
};

/**
 * Forgets everything the tracker stored: used when analytics consent is withdrawn. The collector's
 * `_sl_aid` is set on the site's domain, one of this host's parent domains: each is tried.
 */
export const wipe = (): void => {
  for (const k of Object.keys(KEYS) as (keyof typeof KEYS)[]) remove(KEYS[k]);
  writeCookie(KEYS.aid, '', 0);
  const labels = location.hostname.split('.');
  for (let i = 0; i < labels.length; i++) {
    // biome-ignore lint/suspicious/noDocumentCookie: as in writeCookie.
    document.cookie = `${KEYS.aid}=;path=/;max-age=0;domain=${labels.slice(i).join('.')}`;
  }
};
