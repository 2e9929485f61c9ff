/** An error answer of the API: `field` names the input at fault for a 400. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly query?: Query;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** Fired when the API says the session is gone, so the app can show the sign-in page. */
export const UNAUTHORIZED_EVENT = 'sightline:unauthorized';

/**
 * Where the API is: this origin (`npm start`, or CloudFront serving `/api/*`), or the origin named
 * at build time in `VITE_SIGHTLINE_API_ORIGIN` when the dashboard is hosted apart (Amplify); the
 * API then needs CORS for the dashboard's origin, and signs in with the bearer token alone.
 */
const API_ORIGIN: string = import.meta.env.VITE_SIGHTLINE_API_ORIGIN ?? '';

let csrfToken: string | undefined;
let bearerToken: (() => Promise<string | undefined>) | undefined;

/** The session's CSRF token (local sign-in), sent on every state-changing request. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Where the Cognito ID token comes from (AWS sign-in). */
export function setBearerToken(source: (() => Promise<string | undefined>) | undefined): void {
  bearerToken = source;
}

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Calls the API on this origin: the session cookie goes along by itself; state-changing requests
 * carry the CSRF token, and with Cognito every request carries the ID token.
 *
 * @example
 * const { sites } = await api<{ sites: Site[] }>('/api/sites');
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const token = bearerToken ? await bearerToken() : undefined;
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${API_ORIGIN}${withQuery(path, options.query)}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
    if (response.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    throw new ApiError(
      error?.message ?? `the server answered ${response.status}`,
      response.status,
      error?.code ?? 'http_error',
      error?.field,
    );
  }
  return parsed as T;
}
