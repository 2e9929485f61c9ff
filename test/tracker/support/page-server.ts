import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildTracker } from '../../../tracker-sdk/paths';

export interface PageServer {
  /** `http://127.0.0.1:<port>`; any `*.localhost` name reaches it too in Chromium. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the freshly built tracker at `/s.js` and, at every other path, the page `html(path)`
 * returns (query string left out): for tests whose collector is the real local runtime on
 * another origin.
 */
export async function startPageServer(html: (path: string) => string): Promise<PageServer> {
  const { code } = await buildTracker();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const script = path === '/s.js';
    res.writeHead(200, { 'content-type': script ? 'text/javascript' : 'text/html', 'cache-control': 'no-store' });
    res.end(script ? code : html(path));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A page with the install snippet and the tracker tag, `attributes` added to the tag. */
export function trackerPage(siteKey: string, endpoint: string, attributes = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<script>window.sightline=window.sightline||function(){(sightline.q=sightline.q||[]).push(arguments)}</script>
<script async src="/s.js" data-site="${siteKey}" data-endpoint="${endpoint}" ${attributes}></script>
</head><body><h1>Shop</h1></body></html>`;
}
