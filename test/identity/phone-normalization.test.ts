import { normalizeIdentifier } from '../../lambdas/identity/identifier-normalization';
import { isPhoneRegion } from '../../lambdas/identity/phone-numbers';

const phone = (value: string, phoneRegion?: 'FR' | 'US' | 'GB') =>
  normalizeIdentifier({ type: 'phone', value }, phoneRegion ? { phoneRegion } : {});

describe('phone normalization on a site with a default region', () => {
  it.each([
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['06.12.34.56.78', 'FR', '+33612345678'],
    ['0612345678', 'FR', '+33612345678'],
    ['(202) 555-0123', 'US', '+12025550123'],
    ['1 202 555 0123', 'US', '+12025550123'],
    ['07911 123456', 'GB', '+447911123456'],
  ] as const)('reads the national number %s in the numbering plan of %s as %s', (value, region, e164) => {
    // Act
    const normalized = phone(value, region);

    // Assess
    expect(normalized).toEqual({ ok: true, type: 'phone', value: e164 });
  });

  it.each([
    ['+33 6 12 34 56 78'],
    ['+33 (0)6 12 34 56 78'],
    ['0033 6 12 34 56 78'],
    ['00 33 612 345 678'],
    ['\u200B+33-6-12-34-56-78 '],
  ])('keys the international spelling %s as the E.164 number, whatever the region', (value) => {
    // Act
    const onFrench = phone(value, 'FR');
    const onAmerican = phone(value, 'US');

    // Assess
    expect(onFrench).toEqual({ ok: true, type: 'phone', value: '+33612345678' });
    expect(onAmerican).toEqual(onFrench);
  });

  it('reads a US number dialled with the US international prefix 011 on a US site', () => {
    expect(phone('011 33 6 12 34 56 78', 'US')).toEqual({ ok: true, type: 'phone', value: '+33612345678' });
  });

  it.each([
    ['a national number too short for its region', '123456', 'FR'],
    ['a national number too long for its region', '06 12 34 56 78 90', 'FR'],
    ['an international number too short for its country', '+1 555 010', 'US'],
    ['an unassigned country code', '+999 123 456 789', 'FR'],
    ['letters', '06 12 AB 56 78', 'FR'],
  ] as const)('refuses %s as malformed', (_, value, region) => {
    expect(phone(value, region)).toEqual({ ok: false, type: 'phone', reason: 'malformed' });
  });

  it('still refuses a phone of zeros as a placeholder, as typed', () => {
    expect(phone('00 00 00 00 00', 'FR')).toEqual({ ok: false, type: 'phone', reason: 'all_zero' });
  });

  it('leaves identifiers other than phones as they were', () => {
    expect(normalizeIdentifier({ type: 'user_id', value: '0612345678' }, { phoneRegion: 'FR' })).toEqual({
      ok: true,
      type: 'user_id',
      value: '0612345678',
    });
  });
});

describe('phone normalization without a default region (as before)', () => {
  it.each([
    ['06 12 34 56 78', '0612345678'],
    ['+33 6 12 34 56 78', '+33612345678'],
    ['0033612345678', '+33612345678'],
    ['+33 (0)6 12 34 56 78', '+330612345678'],
    ['123456', '123456'],
    ['+1 555 010', '+1555010'],
  ])('keeps %s as + and digits: %s', (value, kept) => {
    expect(phone(value)).toEqual({ ok: true, type: 'phone', value: kept });
  });

  it('refuses what is not digits as malformed', () => {
    expect(phone('06 12 AB 56 78')).toEqual({ ok: false, type: 'phone', reason: 'malformed' });
  });
});

describe('phone regions', () => {
  it.each(['FR', 'US', 'GB', 'DE'])('knows %s', (region) => {
    expect(isPhoneRegion(region)).toBe(true);
  });

  it.each(['XX', 'fr', 'FRA', '', '33', undefined, null])('does not know %p', (region) => {
    expect(isPhoneRegion(region)).toBe(false);
  });
});
