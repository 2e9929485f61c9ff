import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import type { Principal } from '../principal';
import type { Access } from '../roles';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route answers; the handler turns it into the HTTP response (JSON unless `body` is a string). */
export interface ApiReply {
  /** @default 200 */
  readonly status?: number;
  readonly body?: unknown;
  readonly cookies?: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a route's `handle` receives: validated inputs and, on protected routes, the caller. */
export interface RouteContext<A extends Access, P, Q, B> {
  readonly principal: A extends 'public' ? Principal | undefined : Principal;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly event: APIGatewayProxyEventV2;
}

type EmptyObject = z.ZodObject<Record<string, never>>;

/** One API operation: the single declaration the router, the role check, validation and OpenAPI read. */
export interface ApiRouteSpec<
  A extends Access,
  P extends z.ZodType = EmptyObject,
  Q extends z.ZodType = EmptyObject,
  B extends z.ZodType = EmptyObject,
> {
  readonly method: HttpMethod;
  /** API Gateway style template, e.g. `/api/sites/{siteId}/stats/overview`. */
  readonly path: string;
  readonly access: A;
  /** OpenAPI tag (the dashboard view it serves). */
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly response: { readonly status?: number; readonly description: string; readonly schema?: z.ZodType };
  handle(context: RouteContext<A, z.output<P>, z.output<Q>, z.output<B>>): Promise<ApiReply>;
}

/** A route with its types erased, as the route table holds it. */
export interface ApiRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly access: Access;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly response: { readonly status?: number; readonly description: string; readonly schema?: z.ZodType };
  handle(context: RouteContext<Access, unknown, unknown, unknown>): Promise<ApiReply>;
}

/**
 * Declares a route with its inputs typed from its zod schemas.
 *
 * @example
 * const getSite = defineRoute({
 *   method: 'GET', path: '/api/sites/{siteId}', access: 'viewer', tag: 'Sites', summary: 'One site',
 *   params: z.object({ siteId: z.uuid() }),
 *   response: { description: 'The site' },
 *   handle: async ({ params, principal }) => ({ body: await loadSite(principal, params.siteId) }),
 * });
 */
export function defineRoute<
  A extends Access,
  P extends z.ZodType = EmptyObject,
  Q extends z.ZodType = EmptyObject,
  B extends z.ZodType = EmptyObject,
>(spec: ApiRouteSpec<A, P, Q, B>): ApiRoute {
  return spec as unknown as ApiRoute;
}
