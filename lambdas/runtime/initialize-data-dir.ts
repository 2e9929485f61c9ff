import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createPGliteSql } from '../adapters/sql/create-sql';
import { bootstrapLocal } from './bootstrap';
import { dataPaths } from './data-dir';

/** Whether the embedded database of a data directory still has to be created. */
export function needsInitialization(dataDir: string): boolean {
  return !existsSync(join(dataPaths(dataDir).postgres, 'PG_VERSION'));
}

/**
 * Creates the embedded database, migrates it and bootstraps the demo organization: what
 * `sightline init` does. PGlite's initdb needs several hundred MB once; running it here, in a
 * short-lived process, keeps the long-running runtime's resident memory at its idle size.
 */
export async function initializeDataDir(dataDir: string): Promise<void> {
  const paths = dataPaths(dataDir);
  const sql = await createPGliteSql({ dataDir: paths.postgres });
  try {
    await bootstrapLocal(sql, paths.adminFile);
  } finally {
    await sql.close();
  }
}

/** Runs `sightline init` for `dataDir` in a child process and waits for it. */
export function initializeInChildProcess(dataDir: string): Promise<void> {
  const bin = resolve(__dirname, '..', '..', 'bin', 'sightline.js');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, 'init'], {
      env: { ...process.env, SIGHTLINE_DATA_DIR: dataDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`initializing ${dataDir} failed (exit ${code}): ${stderr}`)),
    );
  });
}
