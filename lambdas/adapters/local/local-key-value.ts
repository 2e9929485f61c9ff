import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ValidationError } from '../../core/errors';
import type { JsonValue, KeyValue } from '../../ports/key-value';
import { type AppendLog, openAppendLog, readLogLines } from './append-log';
import { writeFileAtomic } from './atomic-file';

/**
 * A durable local stand-in for a DynamoDB table of small records with TTL. Writes are journaled
 * and fsynced before they resolve; the journal is replayed on open and compacted as it grows.
 * Each operation checks and changes memory synchronously, which makes `ifAbsent` and `increment`
 * atomic within the process; it resolves once the change is fsynced.
 *
 * @example
 * const kv = createLocalKeyValue({ path: '.sightline/kv.log' });
 * await kv.put('idempotency#abc', { status: 'done' }, { ttlSeconds: 3600, ifAbsent: true });
 */
export interface LocalKeyValue extends KeyValue {
  close(): Promise<void>;
}

interface Entry {
  readonly v: JsonValue;
  readonly exp?: number;
}

type JournalEntry = { k: string; v: JsonValue; exp?: number } | { k: string; del: true };

export function createLocalKeyValue(options: { path: string; now?: () => number }): LocalKeyValue {
  const now = options.now ?? Date.now;
  mkdirSync(dirname(options.path), { recursive: true });
  const records = new Map<string, Entry>();
  for (const line of readLogLines(options.path)) {
    const entry = JSON.parse(line) as JournalEntry;
    if ('del' in entry) records.delete(entry.k);
    else records.set(entry.k, { v: entry.v, exp: entry.exp });
  }
  let journal: AppendLog = openAppendLog(options.path);
  let journalEntries = records.size;
  let compacting: Promise<void> | undefined;

  const live = (key: string): Entry | undefined => {
    const entry = records.get(key);
    if (!entry) return undefined;
    if (entry.exp !== undefined && entry.exp <= now()) {
      records.delete(key);
      return undefined;
    }
    return entry;
  };

  /**
   * Applies the change in memory at once (so checks and changes of concurrent callers cannot
   * interleave: each runs to completion synchronously) and resolves once it is on disk.
   * Concurrent writes share one fsync through the log's group commit.
   */
  const write = async (entry: JournalEntry): Promise<void> => {
    if ('del' in entry) records.delete(entry.k);
    else records.set(entry.k, { v: entry.v, exp: entry.exp });
    journalEntries += 1;
    await compacting;
    await journal.append([JSON.stringify(entry)]);
    if (!compacting && journalEntries > 1000 && journalEntries > records.size * 4) {
      compacting = compact().finally(() => {
        compacting = undefined;
      });
    }
  };

  const compact = async (): Promise<void> => {
    await journal.close();
    const lines: string[] = [];
    for (const [k, entry] of records) {
      if (entry.exp !== undefined && entry.exp <= now()) continue;
      lines.push(JSON.stringify({ k, v: entry.v, exp: entry.exp }));
    }
    writeFileAtomic(options.path, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    journal = openAppendLog(options.path);
    journalEntries = lines.length;
  };

  const expiry = (ttlSeconds?: number): number | undefined => {
    if (ttlSeconds === undefined) return undefined;
    if (!(ttlSeconds > 0)) throw new ValidationError('ttlSeconds must be positive', 'ttlSeconds');
    return now() + ttlSeconds * 1000;
  };

  const checkKey = (key: string): void => {
    if (key.length === 0 || key.length > 1024) throw new ValidationError('key must be 1–1024 characters', 'key');
  };

  return {
    async get(key) {
      checkKey(key);
      return live(key)?.v;
    },
    async put(key, value, putOptions = {}) {
      checkKey(key);
      if (putOptions.ifAbsent && live(key)) return false;
      await write({ k: key, v: value, exp: expiry(putOptions.ttlSeconds) });
      return true;
    },
    async delete(key) {
      checkKey(key);
      if (records.has(key)) await write({ k: key, del: true });
    },
    async increment(key, by, incrementOptions = {}) {
      checkKey(key);
      const current = live(key);
      if (current && typeof current.v !== 'number') throw new ValidationError(`record ${key} is not a number`, 'key');
      const value = ((current?.v as number | undefined) ?? 0) + by;
      await write({ k: key, v: value, exp: current?.exp ?? expiry(incrementOptions.ttlSeconds) });
      return value;
    },
    async close() {
      await compacting;
      await journal.close();
    },
  };
}
