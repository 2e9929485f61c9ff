import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ForbiddenError, NotFoundError } from '../../core/errors';
import { httpResponseForError } from '../../core/http/error-handler';
import { jsonBody } from '../../core/http/request';
import { errorResponse, type HttpResponse, jsonResponse } from '../../core/http/responses';
import { RateLimitedError } from '../api-errors';
import type { Authenticator } from '../auth/authenticate';
import { hasRole } from '../roles';
import type { ApiReply, ApiRoute } from './api-route';
import { matchTemplate } from './path-match';
import { parseInput } from './validation';

/** A JSON body the API accepts: the largest (a site's settings, an invitation) is well under 1 KB. */
export const MAX_BODY_BYTES = 16 * 1024;

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

/**
 * Dispatches an API Gateway event to its route: finds it (404, or 405 naming the allowed
 * methods), establishes the caller and checks the route's role before reading any input,
 * validates path, query and body with the route's schemas (400 naming the field), runs it, and
 * answers every error as JSON.
 *
 * @example
 * const dispatch = createApiRouter(routes, authenticator);
 * const response = await dispatch(event); // { statusCode: 200, body: '{"sites":[…]}', … }
 */
export function createApiRouter(
  routes: readonly ApiRoute[],
  authenticator: Authenticator,
  log: (error: unknown) => void = (error) => console.error(error),
): (event: APIGatewayProxyEventV2) => Promise<HttpResponse> {
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) throw new Error(`route ${key} is declared twice`);
    seen.add(key);
  }

  return async (event) => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath;
    try {
      const matches = routes.flatMap((route) => {
        const params = matchTemplate(route.path, path);
        return params ? [{ route, params }] : [];
      });
      const match = matches.find((m) => m.route.method === method);
      if (!match) {
        if (matches.length === 0) throw new NotFoundError(`no route for ${method} ${path}`);
        const allowed = matches.map((m) => m.route.method).join(', ');
        return errorResponse(405, 'method_not_allowed', `${method} is not allowed on ${path}`, undefined, {
          allow: allowed,
          ...SECURITY_HEADERS,
        });
      }
      const { route } = match;
      const principal = route.access === 'public' ? undefined : await authenticator.authenticate(event);
      if (principal && route.access !== 'public' && !hasRole(principal.role, route.access)) {
        throw new ForbiddenError(`this needs the ${route.access} role or higher; you are ${principal.role}`);
      }
      const reply = await route.handle({
        principal,
        params: route.params ? parseInput(route.params, match.params, 'path') : {},
        query: route.query ? parseInput(route.query, event.queryStringParameters ?? {}, 'query') : {},
        body: route.body ? parseInput(route.body, jsonBody(event, MAX_BODY_BYTES), 'body') : {},
        event,
      });
      return toResponse(reply);
    } catch (error) {
      const response = responseForError(error);
      if (response.statusCode >= 500) log(error);
      return { ...response, headers: { ...response.headers, ...SECURITY_HEADERS } };
    }
  };
}

function toResponse(reply: ApiReply): HttpResponse {
  const status = reply.status ?? 200;
  const base =
    status === 204 || reply.body === undefined
      ? { statusCode: status, headers: { 'cache-control': 'no-store' } as Record<string, string> }
      : jsonResponse(status, reply.body);
  return {
    ...base,
    headers: { ...base.headers, ...SECURITY_HEADERS, ...reply.headers },
    ...(reply.cookies && reply.cookies.length > 0 ? { cookies: [...reply.cookies] } : {}),
  };
}

function responseForError(error: unknown): HttpResponse {
  if (error instanceof RateLimitedError) {
    return errorResponse(429, 'too_many_requests', error.message, undefined, {
      'retry-after': String(error.retryAfterSeconds),
    });
  }
  return httpResponseForError(error);
}
