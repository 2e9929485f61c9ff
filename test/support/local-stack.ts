import { type RunningRuntime, startLocalRuntime } from '../../lambdas/runtime/start';
import { makeTempDir } from './temp-dir';

export interface LocalStack {
  readonly url: string;
  readonly runtime: RunningRuntime;
  readonly dataDir: string;
  readonly siteKey: string;
  readonly writeKey: string;
  /** Waits until the stream and queues are drained into the lake and database. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole product in this process on a free port over a fresh data directory: what
 * `npm start` runs, for end-to-end tests.
 */
export async function startLocalStack(
  options: { databaseUrl?: string; staticRoots?: Readonly<Record<string, string>> } = {},
): Promise<LocalStack> {
  const { dir, cleanup } = makeTempDir('sightline-stack-');
  const runtime = await startLocalRuntime({ dataDir: dir, port: 0, ...options });
  return {
    url: runtime.url,
    runtime,
    dataDir: dir,
    siteKey: runtime.setup.demoSite.siteKey,
    writeKey: runtime.setup.demoSite.writeKey,
    settle: () => runtime.idle(),
    async stop() {
      await runtime.stop();
      cleanup();
    },
  };
}
