import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { header } from '../../core/http/request';

/** The session cookie of `npm start`'s sign-in; scoped to the API, never readable by scripts. */
export const SESSION_COOKIE = 'sl_session';

/**
 * A cookie the request carries (API Gateway v2 lists them in `event.cookies`).
 *
 * @example
 * readCookie(event, SESSION_COOKIE); // 'k2Jx…' or undefined
 */
export function readCookie(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const pairs = event.cookies ?? (header(event, 'cookie') ?? '').split(/;\s*/);
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Whether the browser reached us over HTTPS: API Gateway always is; locally only behind a proxy
 * that says so. Decides the cookie's `Secure` flag (a `Secure` cookie is dropped over plain http).
 */
export function isHttps(event: APIGatewayProxyEventV2): boolean {
  const forwarded = header(event, 'x-forwarded-proto');
  if (forwarded) return forwarded.split(',')[0]?.trim() === 'https';
  return event.requestContext.apiId !== 'local';
}

/**
 * Whether the session cookie can carry `Secure`: over HTTPS, and on a loopback host, which browsers
 * treat as a secure context and keep `Secure` cookies for even over plain http (so `npm start` on
 * 127.0.0.1 or localhost gets the flag too). Only a plain-http, non-loopback host goes without it,
 * since the browser would drop the cookie there.
 */
export function canUseSecureCookie(event: APIGatewayProxyEventV2): boolean {
  return isHttps(event) || isLoopbackHost(header(event, 'host') ?? event.requestContext.domainName);
}

const LOOPBACK_HOST = /^(localhost|[^:]+\.localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_HOST.test(host.trim());
}

/**
 * The `Set-Cookie` value of a session: HttpOnly (no script reads it), SameSite=Strict (no other
 * site's page sends it), `Path=/api` (only the API sees it), Secure wherever the browser keeps it (`canUseSecureCookie`).
 *
 * @example
 * sessionCookie('tok', { secure: true, maxAgeSeconds: 43200 });
 * // 'sl_session=tok; Path=/api; HttpOnly; SameSite=Strict; Max-Age=43200; Secure'
 */
export function sessionCookie(token: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/api',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

/** Tells the browser to forget the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { secure, maxAgeSeconds: 0 });
}
