import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: LambdaLikeContext,
) => Promise<APIGatewayProxyResultV2>;

/** The parts of the Lambda context our handlers read, filled in by the local runtime. */
export interface LambdaLikeContext {
  readonly functionName: string;
  readonly awsRequestId: string;
  readonly getRemainingTimeInMillis: () => number;
  readonly callbackWaitsForEmptyEventLoop: boolean;
}

export interface Route {
  /** API Gateway route key, e.g. `POST /e`, `GET /r/{linkId}`, `ANY /api/{proxy+}`. */
  readonly routeKey: string;
  readonly functionName: string;
  readonly handler: HttpHandler;
}

export interface RouteMatch {
  readonly route: Route;
  readonly pathParameters?: Record<string, string>;
}

/** Finds the route for a request as API Gateway does: exact paths before `{param}` before `{proxy+}`. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): RouteMatch | { readonly allowed: string[] } | undefined {
  const candidates = routes
    .map((route) => ({ route, params: matchPath(route.routeKey.split(' ')[1] ?? '', path) }))
    .filter((c) => c.params !== undefined)
    .sort((a, b) => specificity(b.route) - specificity(a.route));
  if (candidates.length === 0) return undefined;
  const forMethod = candidates.find((c) => {
    const m = c.route.routeKey.split(' ')[0];
    return m === method || m === 'ANY';
  });
  if (!forMethod) return { allowed: [...new Set(candidates.map((c) => c.route.routeKey.split(' ')[0] ?? ''))] };
  const params = forMethod.params as Record<string, string>;
  return { route: forMethod.route, ...(Object.keys(params).length > 0 ? { pathParameters: params } : {}) };
}

function specificity(route: Route): number {
  const path = route.routeKey.split(' ')[1] ?? '';
  if (path.includes('+}')) return 0;
  if (path.includes('{')) return 1;
  return 2;
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const patternParts = pattern.split('/').filter(Boolean);
  const pathParts = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < patternParts.length; i++) {
    const part = patternParts[i] as string;
    const greedy = /^\{(\w+)\+\}$/.exec(part);
    if (greedy) {
      if (i >= pathParts.length) return undefined;
      params[greedy[1] as string] = pathParts.slice(i).map(safeDecode).join('/');
      return params;
    }
    const actual = pathParts[i];
    if (actual === undefined) return undefined;
    const param = /^\{(\w+)\}$/.exec(part);
    if (param) params[param[1] as string] = safeDecode(actual);
    else if (part !== actual) return undefined;
  }
  return patternParts.length === pathParts.length ? params : undefined;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
