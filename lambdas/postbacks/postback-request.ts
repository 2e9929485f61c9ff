import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ValidationError } from '../core/errors';
import { bodyText, header } from '../core/http/request';

/** Bounds on what a postback may carry: networks send tens of fields, never thousands. */
export const POSTBACK_LIMITS = {
  bodyBytes: 64 * 1024,
  fields: 300,
  key: 128,
  value: 4096,
  depth: 8,
} as const;

/** Sightline's own parameters: they authenticate the request and are never stored with it. */
export const RESERVED_PARAMS = { site: 'sl_site', token: 'sl_token', signature: 'sl_signature' } as const;
export const RESERVED_HEADERS = {
  site: 'x-sightline-site',
  token: 'x-sightline-token',
  signature: 'x-sightline-signature',
} as const;

export interface PostbackRequest {
  /** Query parameters, then body fields over them; a JSON body is flattened to dot paths (`user_data.idfa`). */
  readonly fields: Readonly<Record<string, string>>;
  readonly siteKey?: string;
  readonly token?: string;
  readonly signature?: string;
  /** What an HMAC signs: the raw body, or for a request without one the raw query string minus `sl_signature`. */
  readonly signedContent: string;
}

/**
 * Reads a postback from a GET query string or a POST body (JSON or form-encoded), keeping
 * Sightline's own `sl_site` / `sl_token` / `sl_signature` parameters (or `x-sightline-*` headers)
 * apart from the network's fields. Refuses oversized bodies, too many fields and oversized values
 * with a 4xx naming the field.
 *
 * @example
 * const request = readPostbackRequest(event); // GET /postback/everflow?sl_site=pk_1&sl_token=…&transaction_id=abc
 * request.fields.transaction_id; // 'abc'
 */
export function readPostbackRequest(event: APIGatewayProxyEventV2): PostbackRequest {
  const fields: Record<string, string> = Object.create(null);
  const reserved: Record<string, string> = Object.create(null);
  const reservedNames = new Set<string>(Object.values(RESERVED_PARAMS));
  const rawQuery = event.rawQueryString ?? queryString(event.queryStringParameters ?? {});
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    const target = reservedNames.has(key) ? reserved : fields;
    if (!(key in target)) addField(target, key, value);
  }

  const body = bodyText(event, POSTBACK_LIMITS.bodyBytes);
  if (body.trim() !== '') {
    for (const [key, value] of Object.entries(bodyFields(body, header(event, 'content-type') ?? ''))) {
      fields[key] = value;
    }
  }
  if (Object.keys(fields).length > POSTBACK_LIMITS.fields) {
    throw new ValidationError(`a postback may carry at most ${POSTBACK_LIMITS.fields} fields`, 'body');
  }

  const pick = (name: keyof typeof RESERVED_PARAMS) =>
    header(event, RESERVED_HEADERS[name]) ?? reserved[RESERVED_PARAMS[name]] ?? undefined;
  const siteKey = pick('site');
  const token = pick('token');
  const signature = pick('signature');
  return {
    fields,
    ...(siteKey ? { siteKey } : {}),
    ...(token ? { token } : {}),
    ...(signature ? { signature } : {}),
    signedContent: body !== '' ? body : withoutParam(rawQuery, RESERVED_PARAMS.signature),
  };
}

function queryString(params: Readonly<Record<string, string | undefined>>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return new URLSearchParams(entries).toString();
}

function bodyFields(body: string, contentType: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  const trimmed = body.trimStart();
  const looksJson = /json/i.test(contentType) || trimmed.startsWith('{') || trimmed.startsWith('[');
  if (!looksJson) {
    for (const [key, value] of new URLSearchParams(body)) if (!(key in out)) addField(out, key, value);
    return out;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new ValidationError('body is not valid JSON', 'body', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError('body must be a JSON object', 'body');
  }
  flatten(out, parsed as Record<string, unknown>, '', 0);
  return out;
}

function flatten(out: Record<string, string>, value: unknown, prefix: string, depth: number): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object') {
    if (depth >= POSTBACK_LIMITS.depth) throw new ValidationError('body nests too deeply', prefix || 'body');
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [key, child] of entries) flatten(out, child, prefix ? `${prefix}.${key}` : key, depth + 1);
    return;
  }
  if (Object.keys(out).length >= POSTBACK_LIMITS.fields) {
    throw new ValidationError(`a postback may carry at most ${POSTBACK_LIMITS.fields} fields`, 'body');
  }
  addField(out, prefix, String(value));
}

function addField(target: Record<string, string>, key: string, value: string): void {
  if (key.length === 0) return;
  if (key.length > POSTBACK_LIMITS.key) {
    throw new ValidationError(`field names may be at most ${POSTBACK_LIMITS.key} characters`, key.slice(0, 64));
  }
  if (value.length > POSTBACK_LIMITS.value) {
    throw new ValidationError(`at most ${POSTBACK_LIMITS.value} characters`, key);
  }
  target[key] = value;
}

/** The query string as sent, minus one parameter, keeping the others' order and encoding. */
function withoutParam(rawQuery: string, name: string): string {
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '' && decodeSafe(pair.split('=')[0] ?? '') !== name)
    .join('&');
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
