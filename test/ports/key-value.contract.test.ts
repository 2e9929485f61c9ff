import { join } from 'node:path';
import { createLocalKeyValue, type LocalKeyValue } from '../../lambdas/adapters/local/local-key-value';
import { makeTempDir } from '../support/temp-dir';

describe('KeyValue contract: durable local key-value', () => {
  let dir: string;
  let cleanup: () => void;
  let clock: number;
  let kv: LocalKeyValue;
  const open = () => {
    kv = createLocalKeyValue({ path: join(dir, 'kv.log'), now: () => clock });
  };

  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir());
    clock = 1_000_000;
    open();
  });
  afterEach(async () => {
    await kv.close();
    cleanup();
  });

  it('returns what was put and undefined for a missing key', async () => {
    await kv.put('a', { nested: [1, 'x'] });
    expect(await kv.get('a')).toEqual({ nested: [1, 'x'] });
    expect(await kv.get('b')).toBeUndefined();
  });

  it('forgets a record once its TTL passes', async () => {
    await kv.put('a', 1, { ttlSeconds: 10 });
    clock += 10_001;
    expect(await kv.get('a')).toBeUndefined();
  });

  it('refuses ifAbsent while a live record exists and allows it after expiry', async () => {
    expect(await kv.put('lock', 'first', { ifAbsent: true, ttlSeconds: 5 })).toBe(true);
    expect(await kv.put('lock', 'second', { ifAbsent: true })).toBe(false);
    clock += 6_000;
    expect(await kv.put('lock', 'third', { ifAbsent: true })).toBe(true);
    expect(await kv.get('lock')).toBe('third');
  });

  it('lets exactly one of many concurrent ifAbsent writers win', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => kv.put('once', i, { ifAbsent: true })));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('increments atomically under concurrency', async () => {
    await Promise.all(Array.from({ length: 50 }, () => kv.increment('count', 2)));
    expect(await kv.get('count')).toBe(100);
  });

  it('keeps records and deletions across a reopen', async () => {
    await kv.put('kept', 'yes');
    await kv.put('gone', 'no');
    await kv.delete('gone');
    await kv.close();
    open();
    expect(await kv.get('kept')).toBe('yes');
    expect(await kv.get('gone')).toBeUndefined();
  });

  it('compacts its journal without losing records', async () => {
    for (let i = 0; i < 1500; i++) await kv.put('hot', i);
    await kv.close();
    open();
    expect(await kv.get('hot')).toBe(1499);
  });
});
