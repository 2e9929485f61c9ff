/** The networks `/postback/<network>` accepts; `generic` reads a per-site field mapping. */
export const POSTBACK_NETWORKS = [
  'everflow',
  'tune',
  'trackier',
  'impact',
  'cake',
  'appsflyer',
  'adjust',
  'branch',
  'generic',
] as const;

export type PostbackNetwork = (typeof POSTBACK_NETWORKS)[number];

/** Mobile measurement partners: their conversions are installs and in-app events. */
export const MOBILE_NETWORKS: ReadonlySet<PostbackNetwork> = new Set(['appsflyer', 'adjust', 'branch']);

/**
 * Whether a path segment names a network we parse.
 *
 * @example
 * isPostbackNetwork('everflow'); // true
 * isPostbackNetwork('awin');     // false
 */
export function isPostbackNetwork(value: string): value is PostbackNetwork {
  return (POSTBACK_NETWORKS as readonly string[]).includes(value);
}
