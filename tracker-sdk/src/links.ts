import type { AffiliateMatcher } from './affiliate';
import type { Props } from './types';
import { clip } from './util';

/** What a link needs to be classified: an `HTMLAnchorElement` or a `URL` both fit. */
export interface LinkLike {
  href: string;
  protocol: string;
  host: string;
  pathname: string;
  search: string;
}

const DOWNLOAD =
  /\.(pdf|zip|rar|7z|gz|tgz|bz2|xz|tar|dmg|exe|msi|pkg|deb|rpm|apk|ipa|iso|csv|tsv|xlsx?|docx?|pptx?|od[tsp]|rtf|txt|epub|mp3|wav|flac|m4a|mp4|mov|avi|mkv|webm)$/i;

/**
 * Names the automatic capture for a click on a link, if any: `mailto_click`, `tel_click`,
 * `affiliate_click` (site patterns), `download` (file extension or `download` attribute) or
 * `outbound_click` (another host). Same-host page links are not captured.
 *
 * @example classifyLink(new URL('https://cdn.example.com/a.pdf'), 'example.com') // ['download', { href: '...', ext: 'pdf' }]
 */
export const classifyLink = (
  link: LinkLike,
  pageHost: string,
  affiliate?: AffiliateMatcher,
  downloadAttr?: boolean,
): [string, Props] | undefined => {
  const href = clip(link.href, 1024);
  const protocol = link.protocol;
  if (protocol === 'mailto:' || protocol === 'tel:') return [`${protocol.slice(0, -1)}_click`, { href }];
  if (protocol !== 'http:' && protocol !== 'https:') return undefined;
  const pattern = affiliate?.(link.host + link.pathname + link.search);
  if (pattern) return ['affiliate_click', { href, pattern: clip(pattern, 1024) }];
  const ext = DOWNLOAD.exec(link.pathname);
  if (ext || downloadAttr) return ['download', { href, ext: ext ? ext[1].toLowerCase() : '' }];
  if (link.host !== pageHost) return ['outbound_click', { href }];
  return undefined;
};
