import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ORIGIN_VERIFY_HEADER, VIEWER_HOST_HEADER } from '../core/config';
import { header } from '../core/http/request';
import type { ServerContext } from './collected-event';

/**
 * Which proxies may tell us the client's address. `cloudfront` trusts CloudFront's
 * `CloudFront-Viewer-Address`; CIDRs trust `X-Forwarded-For` hops from those addresses.
 * Nothing else is believed: a client can write any header it likes.
 */
export interface TrustedProxies {
  readonly cloudfront: boolean;
  readonly networks: BlockList;
  /**
   * The value CloudFront adds as `x-sightline-origin-verify` on its way to the API: a request
   * without it did not come through the distribution, so its CloudFront headers are forged.
   */
  readonly originSecret?: string;
}

/** Parses `cloudfront,10.0.0.0/8,::1/128` style configuration. */
export function parseTrustedProxies(spec: string, originSecret?: string): TrustedProxies {
  const networks = new BlockList();
  let cloudfront = false;
  for (const raw of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (raw === 'cloudfront') {
      cloudfront = true;
      continue;
    }
    const [address, bitsText] = raw.split('/');
    const family = isIP(address ?? '');
    if (family === 0) throw new Error(`trusted proxy ${raw} is not an IP or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const bits = bitsText === undefined ? (family === 4 ? 32 : 128) : Number(bitsText);
    networks.addSubnet(address as string, bits, type);
  }
  return { cloudfront, networks, ...(originSecret ? { originSecret } : {}) };
}

/** Whether CloudFront's viewer headers on this request can be believed. */
function viaCloudFront(event: APIGatewayProxyEventV2, trusted: TrustedProxies): boolean {
  if (!trusted.cloudfront) return false;
  if (trusted.originSecret === undefined) return true;
  const given = Buffer.from(header(event, ORIGIN_VERIFY_HEADER) ?? '');
  const expected = Buffer.from(trusted.originSecret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The client IP: CloudFront's viewer address if trusted, else the last untrusted X-Forwarded-For hop. */
export function clientIp(event: APIGatewayProxyEventV2, trusted: TrustedProxies): string | undefined {
  const peer = normalizeIp(event.requestContext.http.sourceIp);
  if (viaCloudFront(event, trusted)) {
    const viewer = header(event, 'cloudfront-viewer-address');
    const ip = viewer ? normalizeIp(viewer.slice(0, viewer.lastIndexOf(':'))) : undefined;
    if (ip) return ip;
  }
  let current = peer;
  const hops = (header(event, 'x-forwarded-for') ?? '')
    .split(',')
    .map((h) => normalizeIp(h.trim()))
    .filter((h): h is string => h !== undefined);
  while (current && isTrusted(trusted, current) && hops.length > 0) current = hops.pop();
  return current;
}

/**
 * The host name the visitor's browser sent the request to, from a source that cannot be forged
 * through the path the request took: through CloudFront, the viewer host its function copied
 * (`VIEWER_HOST_HEADER`); from a trusted proxy, its `X-Forwarded-Host`; otherwise `Host`, which a
 * browser always sets to the host it connected to. Behind CloudFront, `Host` names the API origin,
 * so a request that bypassed the distribution is never taken for the customer's domain.
 *
 * @example
 * servedHost(event, parseTrustedProxies('cloudfront', secret)); // 't.shop.example'
 */
export function servedHost(event: APIGatewayProxyEventV2, trusted: TrustedProxies): string | undefined {
  if (viaCloudFront(event, trusted)) return header(event, VIEWER_HOST_HEADER);
  const peer = normalizeIp(event.requestContext.http.sourceIp);
  const forwarded = header(event, 'x-forwarded-host')?.split(',')[0]?.trim();
  if (forwarded && peer && isTrusted(trusted, peer)) return forwarded;
  return header(event, 'host');
}

/** Server context for an event: time, IP, user agent, CloudFront geo headers, privacy signals. */
export function serverContext(
  event: APIGatewayProxyEventV2,
  trusted: TrustedProxies,
  receivedAt: number,
): ServerContext {
  const ip = clientIp(event, trusted);
  const userAgent = header(event, 'user-agent');
  const origin = header(event, 'origin');
  const lat = Number(header(event, 'cloudfront-viewer-latitude'));
  const lon = Number(header(event, 'cloudfront-viewer-longitude'));
  const geo = viaCloudFront(event, trusted)
    ? compact({
        country: header(event, 'cloudfront-viewer-country'),
        region: header(event, 'cloudfront-viewer-country-region'),
        city: header(event, 'cloudfront-viewer-city'),
        latitude: Number.isFinite(lat) && header(event, 'cloudfront-viewer-latitude') ? lat : undefined,
        longitude: Number.isFinite(lon) && header(event, 'cloudfront-viewer-longitude') ? lon : undefined,
        timezone: header(event, 'cloudfront-viewer-time-zone'),
      })
    : undefined;
  return {
    receivedAt,
    ...(ip ? { ip } : {}),
    ...(userAgent ? { userAgent: userAgent.slice(0, 1024) } : {}),
    ...(geo && Object.keys(geo).length > 0 ? { geo } : {}),
    ...(origin ? { origin: origin.slice(0, 512) } : {}),
    ...(header(event, 'sec-gpc') === '1' ? { gpc: true } : {}),
    ...(header(event, 'dnt') === '1' ? { dnt: true } : {}),
  };
}

function isTrusted(trusted: TrustedProxies, ip: string): boolean {
  return trusted.networks.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
}

function normalizeIp(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const unbracketed = value.replace(/^\[|\]$/g, '');
  const ip = unbracketed.startsWith('::ffff:') && isIP(unbracketed.slice(7)) === 4 ? unbracketed.slice(7) : unbracketed;
  return isIP(ip) ? ip : undefined;
}

function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}
