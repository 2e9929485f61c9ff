import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number };

/** A JSON response with `content-type` set and caching off unless headers say otherwise. */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** The one error body every endpoint uses: `{ error: { code, message, field? } }`. */
export function errorResponse(
  statusCode: number,
  code: string,
  message: string,
  field?: string,
  headers: Record<string, string> = {},
): HttpResponse {
  return jsonResponse(statusCode, { error: { code, message, ...(field ? { field } : {}) } }, headers);
}
