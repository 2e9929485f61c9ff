import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ValidationError } from '../../core/errors';
import type { ObjectInfo, ObjectStore } from '../../ports/object-store';
import { writeFileAtomicAsync } from './atomic-file';

/**
 * ObjectStore over a local directory: each key is a file path under `root`. Writes are atomic
 * and fsynced, so a reader never sees half an object.
 *
 * @example
 * const store = createLocalObjectStore({ root: '.sightline/lake' });
 * await store.put('events/dt=2026-01-01/part-0.parquet', bytes);
 */
export function createLocalObjectStore(options: { root: string }): ObjectStore {
  const root = resolve(options.root);
  mkdirSync(root, { recursive: true });

  const pathOf = (key: string): string => {
    if (key.length === 0 || key.length > 1024) throw new ValidationError('object key must be 1–1024 characters', 'key');
    const path = resolve(root, key);
    if (!path.startsWith(root + sep)) throw new ValidationError(`object key escapes the store: ${key}`, 'key');
    return path;
  };

  return {
    async put(key, body) {
      await writeFileAtomicAsync(pathOf(key), body);
    },
    async get(key) {
      try {
        return new Uint8Array(readFileSync(pathOf(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async *list(prefix) {
      for (const info of walk(root, root)) {
        if (info.key.startsWith(prefix)) yield info;
      }
    },
    async delete(key) {
      rmSync(pathOf(key), { force: true });
    },
  };
}

function walk(root: string, dir: string): ObjectInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: ObjectInfo[] = [];
  for (const name of names) {
    if (name.endsWith('.tmp')) continue;
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) out.push(...walk(root, path));
    else out.push({ key: relative(root, path).split(sep).join('/'), size: stat.size, lastModified: stat.mtime });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
