import { ValidationError } from '../core/errors';

/** Values a tracked link's destination may interpolate. */
export interface DestinationValues {
  readonly click_id: string;
  readonly link_id: string;
  readonly affiliate_id?: string;
  readonly offer_id?: string;
  readonly sub1?: string;
  readonly sub2?: string;
  readonly sub3?: string;
  readonly sub4?: string;
  readonly sub5?: string;
}

const MACRO = /\{(click_id|link_id|affiliate_id|offer_id|sub[1-5])\}/g;
const MAX_URL = 2048;

/**
 * Checks a destination when a link is created: an absolute http(s) URL without credentials,
 * whose scheme and host are fixed (macros may only appear in the path, query or fragment), so a
 * link can never be turned into a redirect to `javascript:` or to another site.
 *
 * @example
 * checkDestination('https://shop.example.com/landing?cid={click_id}&s={sub1}'); // ok
 * checkDestination('javascript:alert(1)'); // throws ValidationError (destination)
 */
export function checkDestination(destination: string): URL {
  if (destination.length > MAX_URL) throw new ValidationError(`at most ${MAX_URL} characters`, 'destination');
  let url: URL;
  try {
    url = new URL(destination);
  } catch (error) {
    throw new ValidationError('destination must be an absolute URL', 'destination', { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError('destination must be an http(s) URL', 'destination');
  }
  if (url.username || url.password) throw new ValidationError('destination may not carry credentials', 'destination');
  if (/[{}]|%7B|%7D/i.test(url.host)) throw new ValidationError('macros may not name the host', 'destination');
  return url;
}

/**
 * The URL a click is sent to: the destination with its macros replaced by URL-encoded values
 * (missing ones by nothing), checked again to still be an http(s) URL on the same host.
 *
 * @example
 * expandDestination('https://shop.example.com/?cid={click_id}', { click_id: 'c-1', link_id: 'spring' });
 * // 'https://shop.example.com/?cid=c-1'
 */
export function expandDestination(destination: string, values: DestinationValues): string {
  const template = checkDestination(destination);
  const expanded = destination.replace(MACRO, (_, name: keyof DestinationValues) =>
    encodeURIComponent(values[name] ?? ''),
  );
  const url = checkDestination(expanded);
  if (url.host !== template.host || url.protocol !== template.protocol) {
    throw new ValidationError('destination host changed on expansion', 'destination');
  }
  return url.toString();
}
