import { rmSync } from 'node:fs';
import { stopPostgresServer } from './postgres-server';

export default async function globalTeardown(): Promise<void> {
  const cdkOut = process.env.SIGHTLINE_TEST_CDK_OUTDIR;
  if (cdkOut) rmSync(cdkOut, { recursive: true, force: true });
  const dataDir = process.env.SIGHTLINE_TEST_POSTGRES_DIR;
  const binDir = process.env.SIGHTLINE_TEST_POSTGRES_BIN;
  if (dataDir && binDir) stopPostgresServer({ dataDir, binDir });
}
