import { buildTracker, gzipBudgetBytes } from '../../tracker-sdk/paths';

describe('tracker size budget', () => {
  it('stays within 6,144 bytes gzip -9 with every feature', async () => {
    const { gzipBytes } = await buildTracker({ enforceBudget: false });
    expect(gzipBudgetBytes).toBe(6144);
    expect(gzipBytes).toBeLessThanOrEqual(gzipBudgetBytes);
  });

  it('drops a module from the bundle when its feature flag is off', async () => {
    const full = await buildTracker();
    const noVideo = await buildTracker({ features: { video: false } });
    expect(noVideo.bytes).toBeLessThan(full.bytes);
    expect(noVideo.code).not.toContain('video_progress');
    expect(full.code).toContain('video_progress');
  });

  it('never reaches the page with a syntax newer than ES2017', async () => {
    const { code } = await buildTracker();
    expect(code).not.toMatch(/\?\?|\?\.[a-zA-Z_$]|catch\{/);
  });
});
