import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPostgresBinDir, startPostgresServer } from './postgres-server';

/**
 * Starts one real PostgreSQL server for the whole run, unless `SIGHTLINE_TEST_DATABASE_URL`
 * already points at one. Tests create their own databases on it (`test/support/postgres.ts`).
 */
export default async function globalSetup(): Promise<void> {
  // Every CDK App of the run synthesizes into one folder, removed at the end, instead of a new
  // temporary cdk.out per test left behind in /tmp.
  process.env.CDK_OUTDIR ??= mkdtempSync(join(tmpdir(), 'sightline-cdk-out-'));
  process.env.SIGHTLINE_TEST_CDK_OUTDIR = process.env.CDK_OUTDIR;
  if (process.env.SIGHTLINE_TEST_DATABASE_URL) return;
  const binDir = findPostgresBinDir();
  if (!binDir) {
    process.env.SIGHTLINE_TEST_POSTGRES_MISSING = 'PostgreSQL is not installed: apt-get install -y postgresql';
    return;
  }
  const server = await startPostgresServer(binDir);
  process.env.SIGHTLINE_TEST_DATABASE_URL = server.url;
  process.env.SIGHTLINE_TEST_POSTGRES_DIR = server.dataDir;
  process.env.SIGHTLINE_TEST_POSTGRES_BIN = server.binDir;
}
