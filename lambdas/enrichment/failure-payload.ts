import { type TruncationSettings, truncateIp } from './ip-truncation';

/** What a failure keeps of its payload; the rest is cut (the row stays small, replay reports it). */
export const FAILED_PAYLOAD_CHARS = 32 * 1024;

/**
 * Fields that carry a visitor's address in what failures store: the collector's `server.ip`,
 * Segment's `context.ip`, a normalized event's `clientIp` (and the `client_ip` spelling).
 */
const IP_FIELDS = new Set(['ip', 'clientip', 'client_ip']);

/**
 * A failure's payload as stored in `failed_events`: JSON with every IP field truncated as the
 * site truncates IPs (its `ipv4PrefixBits` / `ipv6PrefixBits`; the /24 and /48 defaults when the
 * site is unknown), at any depth, then cut to 32 KB. Failures are stored like events, so the same
 * privacy rule applies to them. A field that does not hold an address is kept as it is.
 *
 * @example
 * storedFailurePayload({ type: 'track', context: { ip: '81.2.69.142' } });
 * // '{"type":"track","context":{"ip":"81.2.69.0"}}'
 */
export function storedFailurePayload(payload: unknown, settings: TruncationSettings = {}): string {
  return JSON.stringify(payload ?? null, (key, value: unknown) =>
    typeof value === 'string' && IP_FIELDS.has(key.toLowerCase()) ? (truncateIp(value, settings) ?? value) : value,
  ).slice(0, FAILED_PAYLOAD_CHARS);
}

/**
 * `storedFailurePayload` for a payload that arrived as text (a stream record no reader knows):
 * truncated when it parses as JSON; otherwise cut to 32 KB as it is.
 */
export function storedFailureText(text: string, settings: TruncationSettings = {}): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text.slice(0, FAILED_PAYLOAD_CHARS);
  }
  return storedFailurePayload(parsed, settings);
}
