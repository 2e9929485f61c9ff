import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalKeyWrapper } from '../../lambdas/adapters/local/local-key-wrapper';
import { makeTempDir } from '../support/temp-dir';

describe('local key wrapper', () => {
  let dir: string;
  let cleanup: () => void;
  const context = { organizationId: 'org-1', purpose: 'pii' };

  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir('sightline-master-'));
  });
  afterEach(() => cleanup());

  it('creates a 32-byte master key only its owner can read on first start', () => {
    // Prepare
    const path = join(dir, 'nested', 'master.key');

    // Act
    createLocalKeyWrapper({ path });

    // Assess
    const stat = statSync(path);
    expect(stat.size).toBe(32);
    expect(stat.mode & 0o777).toBe(0o600);
  });

  it('unwraps a data key under the same context, after a restart', async () => {
    // Prepare
    const path = join(dir, 'master.key');
    const key = await createLocalKeyWrapper({ path }).generateDataKey(context);

    // Act
    const unwrapped = await createLocalKeyWrapper({ path }).unwrap(key.wrapped, {
      purpose: 'pii',
      organizationId: 'org-1',
    });

    // Assess
    expect(key.plaintext).toHaveLength(32);
    expect(Buffer.from(unwrapped).equals(Buffer.from(key.plaintext))).toBe(true);
  });

  it('refuses to unwrap under another context, after tampering, or with another master key', async () => {
    // Prepare
    const keys = createLocalKeyWrapper({ path: join(dir, 'master.key') });
    const { wrapped } = await keys.generateDataKey(context);
    const tampered = Buffer.from(wrapped);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    const other = createLocalKeyWrapper({ path: join(dir, 'other.key') });

    // Act
    const results = await Promise.allSettled([
      keys.unwrap(wrapped, { organizationId: 'org-2', purpose: 'pii' }),
      keys.unwrap(tampered, context),
      other.unwrap(wrapped, context),
    ]);

    // Assess
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'fulfilled'))).toEqual([
      'StorageError',
      'StorageError',
      'StorageError',
    ]);
  });

  it('refuses a master key file that others can read', () => {
    // Prepare
    const path = join(dir, 'loose.key');
    writeFileSync(path, Buffer.alloc(32, 1), { mode: 0o644 });

    // Act
    const opening = () => createLocalKeyWrapper({ path });

    // Assess
    expect(opening).toThrow(/chmod 600/);
  });

  it('reuses the master key an earlier start created', async () => {
    // Prepare
    const path = join(dir, 'master.key');
    const first = createLocalKeyWrapper({ path });
    const second = createLocalKeyWrapper({ path });

    // Act
    const { wrapped, plaintext } = await first.generateDataKey(context);

    // Assess
    expect(Buffer.from(await second.unwrap(wrapped, context)).equals(Buffer.from(plaintext))).toBe(true);
  });
});
