import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PayloadTooLargeError, ValidationError } from '../errors';

/** The raw body as bytes-decoded text, refusing anything over `maxBytes`. */
export function bodyText(event: APIGatewayProxyEventV2, maxBytes: number): string {
  const raw = event.body ?? '';
  const buffer = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (buffer.length > maxBytes) throw new PayloadTooLargeError(`body exceeds ${maxBytes} bytes`, maxBytes);
  return buffer.toString('utf8');
}

/** Parses a JSON body (any content type: sendBeacon sends text/plain), with a 400 naming `body`. */
export function jsonBody(event: APIGatewayProxyEventV2, maxBytes: number): unknown {
  const text = bodyText(event, maxBytes);
  if (text.trim() === '') throw new ValidationError('body is empty', 'body');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError('body is not valid JSON', 'body', { cause: error });
  }
}

/** Header lookup that ignores case (API Gateway lower-cases them; tests may not). */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const headers = event.headers ?? {};
  // API Gateway (and the local runtime) deliver lower-case names: look there first.
  const direct = headers[wanted];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
