import { isIPv4, isIPv6 } from 'node:net';

/** An address in canonical form: IPv4 dotted quad, or IPv6 as RFC 5952 text. */
export interface ParsedIp {
  readonly family: 4 | 6;
  readonly address: string;
}

/** Prefix lengths kept by default: the /24 and /48 that GA, Matomo and Plausible-style tools keep. */
export const DEFAULT_IPV4_PREFIX_BITS = 24;
export const DEFAULT_IPV6_PREFIX_BITS = 48;

export interface TruncationSettings {
  readonly ipv4PrefixBits?: number;
  readonly ipv6PrefixBits?: number;
}

/**
 * Parses an address as a client or proxy reports it: trims, drops `[...]` brackets and an IPv6
 * zone id, and turns IPv4-mapped IPv6 (`::ffff:1.2.3.4`, also in hex) into plain IPv4 so that
 * GeoIP lookups and truncation treat it as the IPv4 client it is. Anything else yields null.
 *
 * @example
 * parseIp('::ffff:81.2.69.142'); // { family: 4, address: '81.2.69.142' }
 * parseIp('not an ip');          // null
 */
export function parseIp(raw: string | null | undefined): ParsedIp | null {
  if (typeof raw !== 'string') return null;
  let text = raw.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (isIPv4(text)) return { family: 4, address: text };
  if (!isIPv6(text)) return null;
  const words = ipv6Words(text);
  if (isIpv4Mapped(words)) {
    return { family: 4, address: `${words[6] >> 8}.${words[6] & 255}.${words[7] >> 8}.${words[7] & 255}` };
  }
  return { family: 6, address: formatIpv6(words) };
}

/**
 * Keeps the first N bits of an address and zeroes the rest (default /24 for IPv4, /48 for IPv6),
 * so that what reaches the lake no longer identifies one household. Invalid input yields null;
 * a prefix setting outside 0..32 / 0..128 or not an integer falls back to the default.
 *
 * @example
 * truncateIp('203.0.113.77');                          // '203.0.113.0'
 * truncateIp('2001:db8:85a3:8d3:1319:8a2e:370:7348');  // '2001:db8:85a3::'
 * truncateIp('203.0.113.77', { ipv4PrefixBits: 16 });  // '203.0.0.0'
 */
export function truncateIp(raw: string | null | undefined, settings: TruncationSettings = {}): string | null {
  const ip = parseIp(raw);
  if (!ip) return null;
  if (ip.family === 4) {
    const bits = prefixBits(settings.ipv4PrefixBits, 32, DEFAULT_IPV4_PREFIX_BITS);
    const value = ip.address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const kept = bits === 0 ? 0 : Math.floor(value / 2 ** (32 - bits)) * 2 ** (32 - bits);
    return [kept >>> 24, (kept >>> 16) & 255, (kept >>> 8) & 255, kept & 255].join('.');
  }
  const bits = prefixBits(settings.ipv6PrefixBits, 128, DEFAULT_IPV6_PREFIX_BITS);
  const words = ipv6Words(ip.address).map((word, i) => {
    const keep = Math.min(16, Math.max(0, bits - i * 16));
    return keep === 0 ? 0 : word & ((0xffff << (16 - keep)) & 0xffff);
  });
  return formatIpv6(words);
}

function prefixBits(setting: number | undefined, max: number, fallback: number): number {
  return Number.isInteger(setting) && (setting as number) >= 0 && (setting as number) <= max
    ? (setting as number)
    : fallback;
}

function isIpv4Mapped(words: readonly number[]): boolean {
  return words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0 && words[4] === 0 && words[5] === 0xffff;
}

/** The eight 16-bit words of a valid IPv6 text (already checked by `isIPv6`). */
function ipv6Words(text: string): number[] {
  let body = text.toLowerCase();
  // An embedded IPv4 tail (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) stands for two hex words.
  const lastColon = body.lastIndexOf(':');
  if (body.indexOf('.', lastColon) > 0) {
    const [a, b, c, d] = body
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    body = `${body.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string): number[] => (part ? part.split(':').map((h) => Number.parseInt(h, 16)) : []);
  const gap = body.indexOf('::');
  if (gap < 0) return parse(body);
  const left = parse(body.slice(0, gap));
  const right = parse(body.slice(gap + 2));
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** RFC 5952 text: lower-case, no leading zeros, the longest run (2+) of zero words as `::`. */
function formatIpv6(words: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
