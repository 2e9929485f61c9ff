import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import type { ObjectStore } from '../../lambdas/ports/object-store';
import { makeTempDir } from '../support/temp-dir';

/** The behaviours every ObjectStore adapter promises; S3's are also checked with mocked clients. */
describe.each([['local directory', () => makeTempDir()]])('ObjectStore contract: %s', (_name, temp) => {
  let store: ObjectStore;
  let cleanup: () => void;

  beforeEach(() => {
    const t = temp();
    cleanup = t.cleanup;
    store = createLocalObjectStore({ root: t.dir });
  });
  afterEach(() => cleanup());

  it('returns the bytes that were put', async () => {
    await store.put('a/b/c.txt', 'hello');
    expect(Buffer.from((await store.get('a/b/c.txt')) ?? []).toString()).toBe('hello');
  });

  it('returns undefined for a missing object', async () => {
    expect(await store.get('missing')).toBeUndefined();
  });

  it('replaces an object put twice under one key', async () => {
    await store.put('k', 'one');
    await store.put('k', 'two');
    expect(Buffer.from((await store.get('k')) ?? []).toString()).toBe('two');
  });

  it('lists only keys under the prefix, in key order, with sizes', async () => {
    await store.put('events/dt=2/b', 'xx');
    await store.put('events/dt=1/a', 'x');
    await store.put('other/z', 'zzz');
    const listed = [];
    for await (const info of store.list('events/')) listed.push([info.key, info.size]);
    expect(listed).toEqual([
      ['events/dt=1/a', 1],
      ['events/dt=2/b', 2],
    ]);
  });

  it('deletes an object and ignores deleting a missing one', async () => {
    await store.put('gone', 'x');
    await store.delete('gone');
    await store.delete('never-was');
    expect(await store.get('gone')).toBeUndefined();
  });

  it('rejects a key that escapes the store', async () => {
    await expect(store.put('../outside', 'x')).rejects.toThrow(/escapes/);
  });
});
