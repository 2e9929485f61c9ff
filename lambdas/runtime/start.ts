import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from '../adapters/local/atomic-file';
import { createLinkRegistry } from '../attribution/tracked-links';
import { createSiteRegistry } from '../collection/site-registry';
import { makeApiHandler } from '../handlers/api';
import { makeCollectHandler } from '../handlers/collect';
import { makeHealthHandler } from '../handlers/health';
import { healthChecks } from '../handlers/health-checks';
import { makePostbackHandler } from '../handlers/postback';
import { makeRedirectHandler } from '../handlers/redirect';
import { createOrganizationKeyring } from '../identity/crypto/organization-keys';
import { LOCAL_DATABASE } from '../lake/named-queries';
import { bootstrapLocal, type LocalSetup } from './bootstrap';
import { makeControlHandler } from './control';
import { dataPaths } from './data-dir';
import { localQueues, queueDepths } from './dead-letters';
import { createForegroundActivity } from './foreground-activity';
import { createLocalHttpServer } from './http-server';
import { initializeInChildProcess, needsInitialization } from './initialize-data-dir';
import { createLocalDependencies, type LocalDependencies } from './local-dependencies';
import { localWorkers } from './local-workers';
import { replayWith } from './replay';
import type { HttpHandler, Route } from './routes';
import { createStaticFiles, ensureDashboardBuilt, ensureTrackerBuilt } from './static-files';

export interface LocalRuntimeOptions {
  readonly dataDir: string;
  /** @default 8787 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Use this PostgreSQL server instead of embedded PGlite. */
  readonly databaseUrl?: string;
  /** Proxies whose X-Forwarded-For is believed. @default loopback */
  readonly trustedProxies?: string;
  /** Extra static folders by URL prefix (e.g. test pages carrying the snippet). */
  readonly staticRoots?: Readonly<Record<string, string>>;
  readonly log?: (line: string) => void;
}

export interface RunningRuntime {
  readonly url: string;
  readonly port: number;
  readonly setup: LocalSetup;
  readonly firstStart: boolean;
  readonly deps: LocalDependencies;
  /** Resolves when every background worker has caught up with the stream and queues. */
  idle(): Promise<void>;
  /** Stops accepting requests, finishes work in flight, closes every store. */
  stop(): Promise<void>;
}

export interface RuntimeFile {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly controlToken: string;
}

/**
 * Runs every Lambda of the product in this process over the embedded adapters: the HTTP server
 * plays CloudFront + API Gateway, pollers play the Kinesis and SQS event source mappings, a
 * scheduler plays EventBridge.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<RunningRuntime> {
  const paths = dataPaths(options.dataDir);
  refuseIfRunning(paths.runtimeFile);
  await ensureTrackerBuilt();
  await ensureDashboardBuilt().catch((error: unknown) =>
    console.warn(`dashboard not built: ${(error as Error).message}`),
  );
  if (!options.databaseUrl && needsInitialization(options.dataDir)) await initializeInChildProcess(options.dataDir);
  const deps = await createLocalDependencies(options.dataDir, { databaseUrl: options.databaseUrl });
  const { setup, created } = await bootstrapLocal(deps.sql, paths.adminFile);
  const sites = createSiteRegistry(deps.sql, { ttlMs: 5_000 });
  const controlToken = randomBytes(24).toString('base64url');
  const trustedProxies = options.trustedProxies ?? '127.0.0.1/8,::1/128';

  const http = (name: string, handler: unknown): Pick<Route, 'functionName' | 'handler'> => ({
    functionName: name,
    handler: handler as HttpHandler,
  });
  // Locally the dead letters show here too (in AWS their queues have alarms).
  const health = http(
    'health',
    makeHealthHandler({ ...healthChecks(deps), queues: async () => ({ ...(await queueDepths(localQueues(deps))) }) }),
  );
  const collect = http('collect', makeCollectHandler({ sites, events: deps.events, trustedProxies }));
  const control = http(
    'control',
    makeControlHandler({
      sql: deps.sql,
      lake: deps.lake,
      analytics: deps.analytics,
      keyWrapper: deps.keyWrapper,
      token: controlToken,
      defaultOrganizationId: setup.organizationId,
      replay: replayWith(deps, sites),
      queues: localQueues(deps),
    }),
  );
  const api = http(
    'api',
    makeApiHandler({
      sql: deps.sql,
      analytics: deps.analytics,
      analyticsDatabase: LOCAL_DATABASE,
      keyValue: deps.keyValue,
      keyring: createOrganizationKeyring(deps.sql, deps.keyWrapper),
      auth: { kind: 'local' },
    }),
  );
  const postback = http(
    'postback',
    makePostbackHandler({
      sql: deps.sql,
      sites,
      events: deps.events,
      keyValue: deps.keyValue,
      keyWrapper: deps.keyWrapper,
      trustedProxies,
    }),
  );
  const redirect = http(
    'redirect',
    makeRedirectHandler({
      links: createLinkRegistry(deps.sql),
      sites,
      events: deps.events,
      keyValue: deps.keyValue,
      trustedProxies,
    }),
  );
  const routes: Route[] = [
    { routeKey: 'GET /health', ...health },
    { routeKey: 'POST /e', ...collect },
    { routeKey: 'OPTIONS /e', ...collect },
    { routeKey: 'GET /e.gif', ...collect },
    { routeKey: 'GET /c', ...collect },
    { routeKey: 'POST /v1/{type}', ...collect },
    { routeKey: 'GET /postback/{network}', ...postback },
    { routeKey: 'POST /postback/{network}', ...postback },
    { routeKey: 'GET /r/{linkId}', ...redirect },
    { routeKey: 'POST /_local/control', ...control },
    { routeKey: 'ANY /api/{proxy+}', ...api },
  ];
  const activity = createForegroundActivity();
  const workers = await localWorkers(deps, sites, { yieldTo: activity });
  const server = createLocalHttpServer({
    routes,
    activity,
    staticFiles: createStaticFiles({
      dashboardDir: join(__dirname, '..', '..', 'dashboard', 'dist'),
      ...(options.staticRoots ? { extraRoots: options.staticRoots } : {}),
    }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  writeFileAtomic(
    paths.runtimeFile,
    JSON.stringify({ pid: process.pid, port, url, controlToken } satisfies RuntimeFile),
    0o600,
  );
  workers.start();

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    setup,
    firstStart: created,
    deps,
    idle: () => workers.idle(),
    stop() {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await workers.stop();
        await deps.close();
        rmSync(paths.runtimeFile, { force: true });
      })();
      return stopping;
    },
  };
}

/** The runtime file of a live runtime on this data directory, if any. */
export function readRuntimeFile(runtimeFile: string): RuntimeFile | undefined {
  if (!existsSync(runtimeFile)) return undefined;
  try {
    const file = JSON.parse(readFileSync(runtimeFile, 'utf8')) as RuntimeFile;
    process.kill(file.pid, 0);
    return file;
  } catch {
    return undefined; // stale: the process that wrote it is gone (e.g. killed with -9)
  }
}

function refuseIfRunning(runtimeFile: string): void {
  const running = readRuntimeFile(runtimeFile);
  if (running && running.pid !== process.pid) {
    throw new Error(`another Sightline runtime (pid ${running.pid}) is using this data directory at ${running.url}`);
  }
}
