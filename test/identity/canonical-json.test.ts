import fc from 'fast-check';
import { canonicalJson } from '../../lambdas/identity/raw-events';

/** The same value with every object's keys in reverse order. */
function reversedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedCopy);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .reverse()
      .map((key) => [key, reversedCopy((value as Record<string, unknown>)[key])]),
  );
}

describe('canonicalJson (the text a raw event is hashed and sealed as)', () => {
  it('writes the same value as JSON does, for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('sorts the keys of every object, integer-like keys too', () => {
    // Act
    const text = canonicalJson({ b: { z: 1, y: [{ d: 1, c: 2 }] }, '10': 0, a: 1, '': 2, '9': 3 });

    // Assess
    expect(text).toBe('{"":2,"10":0,"9":3,"a":1,"b":{"y":[{"c":2,"d":1}],"z":1}}');
  });

  it('gives one text whatever order the keys came in', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(reversedCopy(value))).toBe(canonicalJson(value));
      }),
    );
  });

  it('leaves out what JSON leaves out and writes dates as JSON does', () => {
    // Act
    const text = canonicalJson({ b: undefined, a: [undefined, () => 1], when: new Date(Date.UTC(2026, 0, 2)) });

    // Assess
    expect(text).toBe('{"a":[null,null],"when":"2026-01-02T00:00:00.000Z"}');
  });
});
