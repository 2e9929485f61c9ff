import { z } from 'zod';

/** The first-party click cookie the redirect drops: click id, link and sub ids. */
export const CLICK_COOKIE = '_sl_clk';

export interface ClickCookie {
  readonly clickId: string;
  readonly linkId: string;
  readonly subIds: Readonly<Record<string, string>>;
}

const cookieSchema = z.object({
  c: z.string().max(64),
  l: z.string().max(64),
  s: z.record(z.string().max(16), z.string().max(256)).optional(),
});

/**
 * The `Set-Cookie` value: base64url JSON (`{c, l, s}`, cookie-safe without escaping), lasting the
 * cookie window, `SameSite=Lax` so it survives the top-level navigation of the redirect, readable by
 * the tracker (not `HttpOnly`), on the site's domain when the request came to it, `Secure` on https.
 *
 * @example
 * clickCookieHeader({ clickId, linkId: 'spring', subIds: { sub1: 'mail' } }, { maxAgeDays: 30, domain: 'shop.example.com', secure: true });
 * // '_sl_clk=eyJj…; Domain=shop.example.com; Path=/; Max-Age=2592000; SameSite=Lax; Secure'
 */
export function clickCookieHeader(
  cookie: ClickCookie,
  options: { readonly maxAgeDays: number; readonly domain?: string; readonly secure: boolean },
): string {
  const value = Buffer.from(JSON.stringify({ c: cookie.clickId, l: cookie.linkId, s: cookie.subIds })).toString(
    'base64url',
  );
  const parts = [
    `${CLICK_COOKIE}=${value}`,
    ...(options.domain ? [`Domain=${options.domain}`] : []),
    'Path=/',
    `Max-Age=${Math.round(options.maxAgeDays * 86_400)}`,
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ];
  return parts.join('; ');
}

/**
 * Reads a click cookie's value back; `undefined` when it is not one.
 *
 * @example
 * parseClickCookie(value)?.clickId;
 */
export function parseClickCookie(value: string): ClickCookie | undefined {
  try {
    const parsed = cookieSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? { clickId: parsed.data.c, linkId: parsed.data.l, subIds: parsed.data.s ?? {} } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A cookie's value from the API Gateway v2 `cookies` array (`name=value` strings).
 *
 * @example
 * requestCookie(event.cookies, '_sl_aid'); // 'abcDEF123'
 */
export function requestCookie(cookies: readonly string[] | undefined, name: string): string | undefined {
  for (const cookie of cookies ?? []) {
    const at = cookie.indexOf('=');
    if (at > 0 && cookie.slice(0, at).trim() === name) return cookie.slice(at + 1).trim();
  }
  return undefined;
}
