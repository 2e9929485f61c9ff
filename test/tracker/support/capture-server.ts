import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { buildTracker, trackerCacheControl, trackerFiles } from '../../../tracker-sdk/paths';
import type { Payload, SiteConfig } from '../../../tracker-sdk/src/types';
import type { EventCollector, TrackedEvent } from './collector';
import { toneWav } from './wav';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

export const defaultSiteConfig: SiteConfig = {
  affiliatePatterns: [],
  honorDnt: true,
  honorGpc: true,
  sampleRate: 1,
};

/** One `POST /e` as it arrived, whatever it was answered. */
export interface ReceivedBatch {
  payload: Payload;
  raw: string;
  status: number;
  contentType: string;
  /** `Sec-Fetch-Mode`: `no-cors` for `sendBeacon`, `cors` for `fetch`. */
  fetchMode: string;
  /** The page's origin for a cross-origin request, else `undefined`. */
  origin?: string;
  /** Events the real collector refused (it names each one's field), when forwarding to it. */
  rejected?: unknown[];
}

/** The real collector every accepted batch is forwarded to, with the test site key replaced by its own. */
export interface Upstream {
  readonly url: string;
  readonly siteKey: string;
}

/**
 * A stand-in collector for the tracker's browser tests: serves `test/tracker/fixtures/*.html`,
 * the freshly built tracker at `/s.js` and `/s.<version>.js`, the site config at `/c`, a short
 * WAV at `/media/tone.wav`, and records every `POST /e`. It can answer the next posts with an
 * error status to exercise retries.
 */
export interface CaptureServer extends EventCollector {
  /** The same server under another host name (`127.0.0.1`): a different site for outbound links. */
  readonly otherOrigin: string;
  receivedBatches(): ReceivedBatch[];
  setSiteConfig(config: Partial<SiteConfig>): void;
  /** Answers the next posts with these statuses, in order, then the default status again. */
  respondWith(...statuses: number[]): void;
  /** Answers every post with this status from now on (202 is the default: accepted). */
  setDefaultStatus(status: number): void;
  /** How many times `/c` was asked. */
  configRequests(): number;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export async function startCaptureServer(options: { upstream?: Upstream } = {}): Promise<CaptureServer> {
  const { code } = await buildTracker();
  const wav = toneWav(2);
  const batches: ReceivedBatch[] = [];
  const statuses: number[] = [];
  let siteConfig: SiteConfig = { ...defaultSiteConfig };
  let configCount = 0;
  let defaultStatus = 202;

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, cache = 'no-store') => {
    res.writeHead(status, {
      'Content-Type': type,
      'Cache-Control': cache,
      'Access-Control-Allow-Origin': '*',
    });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && url.pathname === '/e') {
      const raw = await readBody(req);
      let status = statuses.shift() ?? defaultStatus;
      let payload: Payload;
      try {
        payload = JSON.parse(raw) as Payload;
      } catch {
        send(res, 400, 'text/plain', 'body is not JSON');
        return;
      }
      let rejected: unknown[] | undefined;
      if (options.upstream && status < 300) {
        // The real collector decides: its status goes back to the tracker, its rejections to the test.
        const forwarded = await fetch(`${options.upstream.url}/e`, {
          method: 'POST',
          headers: {
            'content-type': String(req.headers['content-type'] ?? 'text/plain'),
            'user-agent': String(req.headers['user-agent'] ?? ''),
            ...(req.headers.origin ? { origin: req.headers.origin } : {}),
          },
          body: JSON.stringify({ ...payload, site: options.upstream.siteKey }),
        });
        status = forwarded.status;
        const answer = (await forwarded.json().catch(() => ({}))) as { rejected?: unknown[]; error?: unknown };
        rejected = answer.rejected ?? (status >= 400 ? [answer.error] : []);
      }
      batches.push({
        payload,
        raw,
        status,
        contentType: String(req.headers['content-type']),
        fetchMode: String(req.headers['sec-fetch-mode']),
        origin: req.headers.origin,
        ...(rejected ? { rejected } : {}),
      });
      send(res, status, 'text/plain', '');
      return;
    }
    if (url.pathname === '/c') {
      configCount++;
      send(res, 200, 'application/json', JSON.stringify(siteConfig));
      return;
    }
    if (url.pathname === `/${trackerFiles.latest}`) {
      send(res, 200, 'text/javascript', code, trackerCacheControl.latest);
      return;
    }
    if (url.pathname === `/${trackerFiles.versioned}`) {
      send(res, 200, 'text/javascript', code, trackerCacheControl.versioned);
      return;
    }
    if (url.pathname === '/media/tone.wav') {
      send(res, 200, 'audio/wav', wav);
      return;
    }
    // Fixture pages, also as the target of form posts and SPA deep links (`/spa/...` → spa.html).
    const name = url.pathname.startsWith('/spa/') ? 'spa.html' : path.basename(url.pathname);
    if (/^[\w-]+\.html$/.test(name)) {
      try {
        send(res, 200, 'text/html; charset=utf-8', await readFile(path.join(FIXTURES, name)));
      } catch {
        send(res, 404, 'text/plain', 'no such fixture');
      }
      return;
    }
    send(res, 404, 'text/plain', 'not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, 'text/plain', String(error)));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://localhost:${port}`,
    otherOrigin: `http://127.0.0.1:${port}`,
    receivedEvents: async () => batches.filter((b) => b.status < 300).flatMap((b) => b.payload.events ?? []),
    receivedBatches: () => [...batches],
    setSiteConfig: (config) => {
      siteConfig = { ...defaultSiteConfig, ...config };
    },
    respondWith: (...next) => {
      statuses.push(...next);
    },
    setDefaultStatus: (status) => {
      defaultStatus = status;
    },
    configRequests: () => configCount,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export type { TrackedEvent };
