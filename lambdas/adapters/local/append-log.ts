import { close, fdatasync, fdatasyncSync, ftruncateSync, openSync, readFileSync, statSync, write } from 'node:fs';
import { promisify } from 'node:util';

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);
const closeAsync = promisify(close);

/**
 * An append-only file of newline-terminated records with group commit: appends that arrive while
 * a flush is running are written and fsynced together, so each caller's promise resolves only
 * once its lines are on disk, without one fsync per caller.
 *
 * A line torn by a crash (no trailing newline) is cut off when the log is opened.
 *
 * @example
 * const log = openAppendLog('/data/queue.log');
 * await log.append(['{"op":"send"}']);
 */
export interface AppendLog {
  readonly path: string;
  /** Resolves once every line is durably written. Lines must not contain '\n'. */
  append(lines: readonly string[]): Promise<void>;
  /** Bytes in the file (including writes not yet synced). */
  size(): number;
  close(): Promise<void>;
}

export function openAppendLog(path: string): AppendLog {
  const fd = openSync(path, 'a+');
  let size = cutTornTail(path, fd);
  let pending: { lines: readonly string[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let flushing: Promise<void> | undefined;
  let closed = false;

  const flush = async (): Promise<void> => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        const text = `${batch.flatMap((p) => p.lines).join('\n')}\n`;
        const bytes = Buffer.from(text, 'utf8');
        // Off the event loop (libuv's pool): requests keep arriving and join the next group.
        await writeAll(fd, bytes);
        await fdatasyncAsync(fd);
        size += bytes.length;
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    flushing = undefined;
  };

  return {
    path,
    append(lines) {
      if (closed) return Promise.reject(new Error(`append log ${path} is closed`));
      if (lines.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        pending.push({ lines, resolve, reject });
        flushing ??= flush();
      });
    },
    size: () => size,
    async close() {
      if (closed) return;
      closed = true;
      await flushing;
      await closeAsync(fd);
    },
  };
}

/** Reads every complete line of a log file (none when the file does not exist). */
export function readLogLines(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const end = text.lastIndexOf('\n');
  if (end < 0) return [];
  return text
    .slice(0, end)
    .split('\n')
    .filter((line) => line.length > 0);
}

async function writeAll(fd: number, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await writeAsync(fd, bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

function cutTornTail(path: string, fd: number): number {
  const size = statSync(path).size;
  if (size === 0) return 0;
  const text = readFileSync(path);
  const lastNewline = text.lastIndexOf(0x0a);
  const intact = lastNewline + 1;
  if (intact !== size) {
    ftruncateSync(fd, intact);
    fdatasyncSync(fd);
  }
  return intact;
}
