import { resolve } from 'node:path';

/** Where `npm start` keeps its state: `SIGHTLINE_DATA_DIR`, else `./.sightline`. */
export function dataDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SIGHTLINE_DATA_DIR && env.SIGHTLINE_DATA_DIR !== '' ? env.SIGHTLINE_DATA_DIR : '.sightline');
}

/** The layout of a data directory, in one place. */
export function dataPaths(dataDir: string) {
  return {
    root: dataDir,
    postgres: resolve(dataDir, 'postgres'),
    lake: resolve(dataDir, 'lake'),
    objects: resolve(dataDir, 'objects'),
    stream: resolve(dataDir, 'stream', 'events'),
    queues: resolve(dataDir, 'queues'),
    keyValue: resolve(dataDir, 'kv', 'records.log'),
    runtimeFile: resolve(dataDir, 'runtime.json'),
    adminFile: resolve(dataDir, 'admin.json'),
    masterKey: resolve(dataDir, 'master.key'),
  };
}
