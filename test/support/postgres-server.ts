import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL server for the test run, from Debian's `postgresql` package:
 * `initdb` into a temporary directory, `pg_ctl start` on a free loopback port.
 */
export interface TestPostgresServer {
  readonly url: string;
  readonly dataDir: string;
  readonly binDir: string;
}

export function findPostgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

export async function startPostgresServer(binDir: string): Promise<TestPostgresServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dataDir, postgresUid(), postgresUid('g'));
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    const result = spawnSync(file, argv, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
  };
  const port = await freePort();
  run(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'sightline', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  run(join(binDir, 'pg_ctl'), [
    '-D',
    dataDir,
    '-l',
    join(dataDir, 'server.log'),
    '-o',
    `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    '-w',
    'start',
  ]);
  return { url: `postgresql://sightline@127.0.0.1:${port}/postgres`, dataDir, binDir };
}

export function stopPostgresServer(server: { dataDir: string; binDir: string }): void {
  const asRoot = process.getuid?.() === 0;
  const args = ['-D', server.dataDir, '-m', 'immediate', '-w', 'stop'];
  if (asRoot) spawnSync('runuser', ['-u', 'postgres', '--', join(server.binDir, 'pg_ctl'), ...args]);
  else spawnSync(join(server.binDir, 'pg_ctl'), args);
  rmSync(server.dataDir, { recursive: true, force: true });
}

function postgresUid(kind: 'u' | 'g' = 'u'): number {
  return Number(execFileSync('id', [`-${kind}`, 'postgres'], { encoding: 'utf8' }).trim());
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
