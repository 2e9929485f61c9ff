import { isIP } from 'node:net';

/**
 * Multi-label public suffixes common enough to matter for "is this referrer the same site":
 * country second levels (`co.uk`) and hosting platforms where every customer is a separate
 * site (`*.github.io`). Not the full Public Suffix List (~10k rules): a miss only makes two
 * sites on an unlisted shared suffix look like one, i.e. an internal referrer.
 */
const MULTI_LABEL_SUFFIXES: ReadonlySet<string> = new Set([
  'github.io',
  'gitlab.io',
  'vercel.app',
  'netlify.app',
  'pages.dev',
  'workers.dev',
  'herokuapp.com',
  'web.app',
  'firebaseapp.com',
  'appspot.com',
  'azurewebsites.net',
  'cloudfront.net',
  'amplifyapp.com',
  'onrender.com',
  'fly.dev',
  'blogspot.com',
  'wordpress.com',
  'substack.com',
  'myshopify.com',
  'wixsite.com',
  'squarespace.com',
]);

/** Second-level labels under which country registries sell names (`co.uk`, `com.au`, `ne.jp`). */
const COUNTRY_SECOND_LEVELS: ReadonlySet<string> = new Set([
  'co',
  'com',
  'net',
  'org',
  'gov',
  'edu',
  'ac',
  'or',
  'ne',
  'go',
  'gob',
  'nic',
  'mil',
  'ltd',
  'plc',
  'sch',
  'nom',
]);

/**
 * The registrable domain ("eTLD+1") of a host, approximated without the Public Suffix List:
 * `shop.example.co.uk` → `example.co.uk`, `blog.example.com` → `example.com`,
 * `alice.github.io` → `alice.github.io`. IP addresses and single labels are returned as they are.
 *
 * @example
 * registrableDomain('www.shop.example.co.uk'); // 'example.co.uk'
 */
export function registrableDomain(host: string): string {
  const normalized = host.toLowerCase().replace(/\.$/, '');
  if (isIP(normalized) || !normalized.includes('.')) return normalized;
  const labels = normalized.split('.');
  const lastTwo = labels.slice(-2).join('.');
  let suffixLength = 1;
  if (MULTI_LABEL_SUFFIXES.has(lastTwo)) suffixLength = 2;
  else if (
    labels.length > 2 &&
    labels[labels.length - 1].length === 2 &&
    COUNTRY_SECOND_LEVELS.has(labels[labels.length - 2])
  ) {
    suffixLength = 2;
  }
  return labels.slice(-(suffixLength + 1)).join('.');
}
