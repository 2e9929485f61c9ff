import { backoff, bounded, RETRY_CAP_MS, settled } from '../../tracker-sdk/src/retry';

describe('backoff', () => {
  it('doubles with each attempt', () => {
    expect([0, 1, 2, 3].map((n) => backoff(n, 1))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('jitters between half and all of the delay', () => {
    expect(backoff(2, 0)).toBe(2000);
    expect(backoff(2, 0.5)).toBe(3000);
    expect(backoff(2, 0.999)).toBeLessThan(4000);
  });

  it('never waits longer than the cap', () => {
    expect(backoff(30, 1)).toBe(RETRY_CAP_MS);
    expect(backoff(1000, 1)).toBe(RETRY_CAP_MS);
  });
});

describe('bounded', () => {
  it('drops the oldest items beyond the bound', () => {
    expect(bounded([1, 2, 3, 4, 5], 3)).toEqual([3, 4, 5]);
  });

  it('keeps a list within the bound as it is', () => {
    const items = [1, 2];
    expect(bounded(items, 3)).toBe(items);
  });
});

describe('settled', () => {
  it.each([200, 202, 204, 400, 403, 413, 422])('is done with a batch answered %i', (status) => {
    expect(settled(status)).toBe(true);
  });

  it.each([0, 408, 429, 500, 502, 503])('retries a batch answered %i', (status) => {
    expect(settled(status)).toBe(false);
  });
});
