import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface ApiEventInput {
  readonly method?: 'GET' | 'POST' | 'HEAD';
  /** Path with its query string, e.g. `/postback/everflow?transaction_id=…`. */
  readonly path: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly cookies?: string[];
  readonly sourceIp?: string;
  readonly pathParameters?: Record<string, string>;
}

/** An API Gateway HTTP API (payload 2.0) event, as the local runtime builds one. */
export function apiEvent(input: ApiEventInput): APIGatewayProxyEventV2 {
  const url = new URL(input.path, 'http://localhost');
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const method = input.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: `${method} ${url.pathname}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: { 'user-agent': 'test-agent', ...(input.headers ?? {}) },
    ...(input.cookies ? { cookies: input.cookies } : {}),
    ...(url.search.length > 1 ? { queryStringParameters: query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp ?? '203.0.113.10',
        userAgent: 'test-agent',
      },
      requestId: 'req-1',
      routeKey: `${method} ${url.pathname}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(input.body !== undefined ? { body: input.body } : {}),
    isBase64Encoded: false,
  };
}

/** A query string from pairs, encoded as a network would send it. */
export function query(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}
