import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const bin = resolve(__dirname, '..', '..', 'bin', 'sightline.js');

/** Runs `sightline ...args` as a user would, returning its exit code and output. */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}
