import { z } from 'zod';
import { SESSION_COOKIE } from '../auth/cookies';
import { CSRF_HEADER } from '../auth/csrf';
import type { ApiRoute } from './api-route';
import { errorSchema } from './common-schemas';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const ERROR_RESPONSE = { $ref: '#/components/responses/Error' };

/**
 * The OpenAPI 3.1 description of the API, generated from the same route table that routes,
 * checks roles and validates, so it cannot drift from what the server does. Each operation
 * names the least role it needs in `x-sightline-role`.
 *
 * @example
 * const doc = openApiDocument(routes, { title: 'Sightline API', version: '0.1.0' });
 * doc.paths['/api/sites'].get.summary; // "The organization's sites with their installation status"
 */
export function openApiDocument(
  routes: readonly ApiRoute[],
  info: { readonly title: string; readonly version: string },
): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
    const status = String(route.response.status ?? 200);
    const operation: JsonSchema = {
      operationId: operationId(route),
      tags: [route.tag],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      'x-sightline-role': route.access,
      security: route.access === 'public' ? [] : [{ sessionCookie: [] }, { cognitoJwt: [] }],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } },
          }
        : {}),
      responses: {
        [status]: {
          description: route.response.description,
          ...(route.response.schema
            ? { content: { 'application/json': { schema: toSchema(route.response.schema, 'output') } } }
            : {}),
        },
        ...(route.body || route.query || route.params ? { 400: ERROR_RESPONSE } : {}),
        ...(route.access === 'public' ? {} : { 401: ERROR_RESPONSE, 403: ERROR_RESPONSE }),
        ...(route.params ? { 404: ERROR_RESPONSE } : {}),
      },
    };
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, JsonSchema>)[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      ...info,
      description:
        'The Sightline dashboard API. Every report is aggregated on the server (Athena or DuckDB for events, ' +
        'PostgreSQL for persons), bounded and paged. Every input is validated; a 400 names the field at fault. ' +
        `Cookie sessions (npm start) send the session's CSRF token in \`${CSRF_HEADER}\` on state-changing requests.`,
    },
    paths,
    components: {
      securitySchemes: {
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'npm start: POST /api/session',
        },
        cognitoJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'AWS: a Cognito token' },
      },
      responses: {
        Error: {
          description: 'The request failed; `field` names the input at fault',
          content: { 'application/json': { schema: toSchema(errorSchema, 'output') } },
        },
      },
    },
  };
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function operationId(route: ApiRoute): string {
  const words = route.path
    .split('/')
    .filter((part) => part !== '' && part !== 'api')
    .map((part) => part.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase()));
  return [route.method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join('');
}
