import { randomBytes } from 'node:crypto';
import { openText, sealText } from '../../lambdas/identity/crypto/pii-cipher';

const IV = { from: 1, to: 13 };

describe('AES-GCM sealing of personal data', () => {
  const key = randomBytes(32);

  it('opens what it sealed only with the same associated data', () => {
    const sealed = sealText(key, 'ada@example.com', 'identifier:42');
    expect(openText(key, sealed, 'identifier:42')).toBe('ada@example.com');
    expect(() => openText(key, sealed, 'identifier:43')).toThrow('failed authentication');
  });

  it('never seals two values under one IV, across many refills of its IV pool', () => {
    const ivs = new Set<string>();
    const sealed = Array.from({ length: 2_000 }, (_, i) => sealText(key, `ada${i}@example.com`, `identifier:${i}`));
    for (const value of sealed) ivs.add(Buffer.from(value.subarray(IV.from, IV.to)).toString('hex'));
    expect(ivs.size).toBe(sealed.length);
    // Values sealed before a refill still open: their IVs were not overwritten by the next draw.
    sealed.forEach((value, i) => {
      expect(openText(key, value, `identifier:${i}`)).toBe(`ada${i}@example.com`);
    });
  });
});
