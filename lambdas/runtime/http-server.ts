import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fromApiGatewayResult, type HttpReply, toApiGatewayEvent } from './api-gateway-event';
import type { ForegroundActivity } from './foreground-activity';
import { compileRoutes, type Route } from './routes';

/** Serves a static file (CloudFront + S3 in AWS): returns undefined when it has nothing for `path`. */
export type StaticHandler = (method: string, path: string) => Promise<HttpReply | undefined>;

export interface LocalHttpServerOptions {
  readonly routes: readonly Route[];
  readonly staticFiles?: StaticHandler;
  /** API Gateway refuses larger payloads; so do we. @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** API Gateway's integration timeout. @default 30 s */
  readonly timeoutMs?: number;
  readonly log?: (message: string, error?: unknown) => void;
  /** Told when each request starts and ends, so background work can yield to requests. */
  readonly activity?: ForegroundActivity;
}

/**
 * The local stand-in for CloudFront + API Gateway: routes requests to Lambda handlers with the
 * HTTP API v2 event shape, answers every failure with a JSON 4xx/5xx, and never lets a request
 * take the process down.
 */
export function createLocalHttpServer(options: LocalHttpServerOptions): Server {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const log = options.log ?? ((message, error) => console.error(message, error ?? ''));
  const matchRoute = compileRoutes(options.routes);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = safePath(req.url);
    if (path === undefined) return send(res, jsonError(400, 'bad_request', 'request URL is malformed'));

    const match = matchRoute(method, path);
    if (match === undefined || !('route' in match)) {
      if (options.staticFiles && (method === 'GET' || method === 'HEAD')) {
        const file = await options.staticFiles(method, path);
        if (file) return send(res, file, method === 'HEAD');
      }
      if (match && 'allowed' in match) {
        const reply = jsonError(405, 'method_not_allowed', `${method} is not allowed on ${path}`);
        reply.headers.allow = match.allowed.join(', ');
        return send(res, reply);
      }
      return send(res, jsonError(404, 'not_found', `no route for ${method} ${path}`));
    }

    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) {
      req.resume();
      return send(res, jsonError(413, 'payload_too_large', `body exceeds ${maxBodyBytes} bytes`, 'body'), false, true);
    }
    const body = await readBody(req, maxBodyBytes);
    if (body === 'too-large') {
      return send(res, jsonError(413, 'payload_too_large', `body exceeds ${maxBodyBytes} bytes`, 'body'), false, true);
    }

    const event = toApiGatewayEvent(req, body, {
      routeKey: match.route.routeKey,
      pathParameters: match.pathParameters,
    });
    const deadline = Date.now() + timeoutMs;
    const context = {
      functionName: match.route.functionName,
      awsRequestId: randomUUID(),
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      callbackWaitsForEmptyEventLoop: false,
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        match.route.handler(event, context),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
        }),
      ]);
      if (result === 'timeout') return send(res, jsonError(504, 'timeout', 'the handler did not answer in time'));
      return send(res, fromApiGatewayResult(result), method === 'HEAD');
    } catch (error) {
      log(`handler ${match.route.functionName} failed`, error);
      return send(res, jsonError(500, 'internal_error', 'Internal Server Error'));
    } finally {
      clearTimeout(timer);
    }
  };

  const activity = options.activity;
  const server = createServer((req, res) => {
    activity?.begin();
    handle(req, res)
      .catch((error) => {
        log('request failed', error);
        if (!res.headersSent) send(res, jsonError(500, 'internal_error', 'Internal Server Error'));
        else res.destroy();
      })
      .finally(() => activity?.end());
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  server.requestTimeout = timeoutMs + 5_000;
  server.headersTimeout = 20_000;
  return server;
}

function safePath(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function jsonError(statusCode: number, code: string, message: string, field?: string): HttpReply {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: Buffer.from(JSON.stringify({ error: { code, message, ...(field ? { field } : {}) } })),
  };
}

function send(res: ServerResponse, reply: HttpReply, headOnly = false, close = false): void {
  if (res.headersSent) return;
  const headers: Record<string, string | string[]> = { ...reply.headers, 'content-length': String(reply.body.length) };
  if (close) headers.connection = 'close';
  res.writeHead(reply.statusCode, headers);
  res.end(headOnly ? undefined : reply.body);
}
