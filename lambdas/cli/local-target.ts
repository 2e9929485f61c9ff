import { existsSync, readFileSync } from 'node:fs';
import { createSiteRegistry } from '../collection/site-registry';
import { migrateToLatest } from '../db/migrate';
import type { LocalSetup } from '../runtime/bootstrap';
import { type ControlCommand, runControlCommand } from '../runtime/control';
import { dataPaths } from '../runtime/data-dir';
import { localQueues } from '../runtime/dead-letters';
import { createLocalDependencies } from '../runtime/local-dependencies';
import { replayWith } from '../runtime/replay';
import { readRuntimeFile } from '../runtime/start';

/**
 * Runs a database command for the CLI: through the running `npm start` when there is one (its
 * embedded database is single-process), else directly on the data directory.
 */
export async function runDatabaseCommand(dataDir: string, command: ControlCommand): Promise<unknown> {
  const paths = dataPaths(dataDir);
  const running = readRuntimeFile(paths.runtimeFile);
  if (running) {
    const response = await fetch(`${running.url}/_local/control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sightline-control': running.controlToken },
      body: JSON.stringify(command),
    });
    const body = (await response.json()) as { error?: { message: string; field?: string } };
    if (!response.ok)
      throw new Error(
        `${body.error?.message ?? response.statusText}${body.error?.field ? ` (${body.error.field})` : ''}`,
      );
    return body;
  }
  if (!existsSync(paths.adminFile)) {
    throw new Error(`no Sightline data in ${dataDir}: run \`npm start\` once first (or set SIGHTLINE_DATA_DIR)`);
  }
  const setup = JSON.parse(readFileSync(paths.adminFile, 'utf8')) as LocalSetup;
  const databaseUrl = process.env.DATABASE_URL;
  const deps = await createLocalDependencies(dataDir, databaseUrl ? { databaseUrl } : {});
  try {
    await migrateToLatest(deps.sql);
    const sites = createSiteRegistry(deps.sql);
    return await runControlCommand(
      {
        sql: deps.sql,
        lake: deps.lake,
        analytics: deps.analytics,
        keyWrapper: deps.keyWrapper,
        defaultOrganizationId: setup.organizationId,
        replay: replayWith(deps, sites),
        queues: localQueues(deps),
      },
      command,
    );
  } finally {
    await deps.close();
  }
}
