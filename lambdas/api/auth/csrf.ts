import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ForbiddenError } from '../../core/errors';
import { header } from '../../core/http/request';

/** The header the dashboard echoes its session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Refuses a state-changing request that a browser made from another origin: the `Origin` header
 * (sent by every current browser on such requests) must name this host; without it, Fetch
 * Metadata must not say `cross-site`.
 *
 * @example
 * assertSameOrigin(event); // throws ForbiddenError for Origin: https://evil.example
 */
export function assertSameOrigin(event: APIGatewayProxyEventV2): void {
  const origin = header(event, 'origin');
  const host = header(event, 'x-forwarded-host') ?? header(event, 'host');
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (!host || originHost?.toLowerCase() !== host.toLowerCase()) {
      throw new ForbiddenError('cross-origin request refused');
    }
    return;
  }
  const site = header(event, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new ForbiddenError('cross-site request refused');
  }
}

/**
 * The synchronizer-token check for cookie sessions: a state-changing request must carry the
 * session's CSRF token in `x-csrf-token`, which another site's page cannot read.
 */
export function assertCsrfToken(event: APIGatewayProxyEventV2, expected: string): void {
  const sent = header(event, CSRF_HEADER) ?? '';
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new ForbiddenError(`missing or wrong ${CSRF_HEADER} header`);
  }
}
