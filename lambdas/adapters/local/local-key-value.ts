import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ValidationError } from '../../core/errors';
import type { JsonValue, KeyValue } from '../../ports/key-value';
import { type AppendLog, openAppendLog, readLogLines } from './append-log';
import { writeFileAtomic } from './atomic-file';

/**
 * A durable local stand-in for a DynamoDB table of small records with TTL. Writes are journaled
 * and fsynced before they resolve; the journal is replayed on open and compacted as it grows.
 * Operations on one instance are serialized, which makes `ifAbsent` and `increment` atomic.
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
  let tail: Promise<unknown> = Promise.resolve();

  /** Runs operations one after another so read-modify-write steps cannot interleave. */
  const serialize = <T>(op: () => Promise<T>): Promise<T> => {
    const next = tail.then(op, op);
    tail = next.catch(() => undefined);
    return next;
  };

  const live = (key: string): Entry | undefined => {
    const entry = records.get(key);
    if (!entry) return undefined;
    if (entry.exp !== undefined && entry.exp <= now()) {
      records.delete(key);
      return undefined;
    }
    return entry;
  };

  const write = async (entry: JournalEntry): Promise<void> => {
    await journal.append([JSON.stringify(entry)]);
    if ('del' in entry) records.delete(entry.k);
    else records.set(entry.k, { v: entry.v, exp: entry.exp });
    journalEntries += 1;
    if (journalEntries > 1000 && journalEntries > records.size * 4) await compact();
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
    get: (key) =>
      serialize(async () => {
        checkKey(key);
        return live(key)?.v;
      }),
    put: (key, value, putOptions = {}) =>
      serialize(async () => {
        checkKey(key);
        if (putOptions.ifAbsent && live(key)) return false;
        await write({ k: key, v: value, exp: expiry(putOptions.ttlSeconds) });
        return true;
      }),
    delete: (key) =>
      serialize(async () => {
        checkKey(key);
        if (records.has(key)) await write({ k: key, del: true });
      }),
    increment: (key, by, incrementOptions = {}) =>
      serialize(async () => {
        checkKey(key);
        const current = live(key);
        if (current && typeof current.v !== 'number') {
          throw new ValidationError(`record ${key} is not a number`, 'key');
        }
        const value = ((current?.v as number | undefined) ?? 0) + by;
        await write({ k: key, v: value, exp: current?.exp ?? expiry(incrementOptions.ttlSeconds) });
        return value;
      }),
    close: () => serialize(() => journal.close()),
  };
}
