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

type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

interface CompiledRoute {
  readonly route: Route;
  readonly method: string;
  readonly segments: readonly Segment[];
}

export type RouteMatcher = (method: string, path: string) => RouteMatch | { readonly allowed: string[] } | undefined;

/**
 * Prepares `routes` for matching as API Gateway does: exact paths before `{param}` before
 * `{proxy+}`. Patterns are parsed and ordered once, not per request.
 */
export function compileRoutes(routes: readonly Route[]): RouteMatcher {
  const compiled: CompiledRoute[] = routes
    .map((route) => {
      const [method = '', pattern = ''] = route.routeKey.split(' ');
      const segments = pattern
        .split('/')
        .filter(Boolean)
        .map((part): Segment => {
          const greedy = /^\{(\w+)\+\}$/.exec(part);
          if (greedy) return { kind: 'greedy', name: greedy[1] as string };
          const param = /^\{(\w+)\}$/.exec(part);
          return param ? { kind: 'param', name: param[1] as string } : { kind: 'literal', text: part };
        });
      return { route, method, segments };
    })
    .sort((a, b) => specificity(b.segments) - specificity(a.segments));

  return (method, path) => {
    const pathParts = path.split('/').filter(Boolean);
    let allowed: Set<string> | undefined;
    for (const candidate of compiled) {
      const params = matchSegments(candidate.segments, pathParts);
      if (params === undefined) continue;
      if (candidate.method === method || candidate.method === 'ANY') {
        return { route: candidate.route, ...(Object.keys(params).length > 0 ? { pathParameters: params } : {}) };
      }
      allowed ??= new Set();
      allowed.add(candidate.method);
    }
    return allowed ? { allowed: [...allowed] } : undefined;
  };
}

/** Finds the route for a request as API Gateway does (see `compileRoutes`, which a server should keep). */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): RouteMatch | { readonly allowed: string[] } | undefined {
  return compileRoutes(routes)(method, path);
}

function specificity(segments: readonly Segment[]): number {
  if (segments.some((s) => s.kind === 'greedy')) return 0;
  if (segments.some((s) => s.kind === 'param')) return 1;
  return 2;
}

function matchSegments(segments: readonly Segment[], pathParts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    if (segment.kind === 'greedy') {
      if (i >= pathParts.length) return undefined;
      params[segment.name] = pathParts.slice(i).map(safeDecode).join('/');
      return params;
    }
    const actual = pathParts[i];
    if (actual === undefined) return undefined;
    if (segment.kind === 'param') params[segment.name] = safeDecode(actual);
    else if (segment.text !== actual) return undefined;
  }
  return segments.length === pathParts.length ? params : undefined;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
