import { cleanProps } from '../../tracker-sdk/src/util';

describe('cleanProps', () => {
  it('keeps strings, finite numbers, booleans and null', () => {
    expect(cleanProps({ s: 'a', n: 1.5, b: false, z: null })).toEqual({ s: 'a', n: 1.5, b: false, z: null });
  });

  it('turns non-finite numbers into null and other objects into strings', () => {
    expect(cleanProps({ nan: Number.NaN, inf: Number.POSITIVE_INFINITY, list: [1, 2] })).toEqual({
      nan: null,
      inf: null,
      list: '1,2',
    });
  });

  it('drops empty keys, undefined, functions and symbols', () => {
    expect(cleanProps({ '': 'x', u: undefined, f: () => 1, s: Symbol('s'), kept: 1 })).toEqual({ kept: 1 });
  });

  it('bounds keys to 50, key length to 128 and strings to 1024', () => {
    const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(cleanProps(many) ?? {})).toHaveLength(50);
    const long = cleanProps({ ['k'.repeat(300)]: 'v'.repeat(3000) }) ?? {};
    expect(Object.keys(long)[0]).toHaveLength(128);
    expect(Object.values(long)[0]).toHaveLength(1024);
  });

  it('returns undefined for anything but an object', () => {
    expect(cleanProps('x')).toBeUndefined();
    expect(cleanProps(null)).toBeUndefined();
  });
});
