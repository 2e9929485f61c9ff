import type { IdentifierType } from '../../lambdas/identity/identifier-types';
import { DEFAULT_IDENTITY_RULES, type IdentityRules } from '../../lambdas/identity/identity-rules';
import { type StitchIdentifier, type StitchLink, stitch } from '../../lambdas/identity/stitching';
import { shuffled } from './support/synthetic-visitors';

/** A tiny region: identifiers named `type:value`, links as lists of names at a time. */
function region(links: readonly [number, ...string[]][]) {
  const identifiers = new Map<string, StitchIdentifier>();
  const idOf = (name: string) => {
    if (!identifiers.has(name)) {
      const [type, value] = name.split(':') as [IdentifierType, string];
      identifiers.set(name, { id: identifiers.size + 1, type, value, firstSeenAt: 0 });
    }
    return (identifiers.get(name) as StitchIdentifier).id;
  };
  const stitchLinks: StitchLink[] = links.map(([at, ...names], i) => ({
    id: 100 + i,
    identifierIds: names.map(idOf),
    observedAt: at,
    eventId: `e${String(at).padStart(4, '0')}`,
  }));
  const nameOf = new Map([...identifiers].map(([name, i]) => [i.id, name]));
  return { identifiers: [...identifiers.values()], links: stitchLinks, nameOf, idOf };
}

function groups(result: ReturnType<typeof stitch>, nameOf: ReadonlyMap<number, string>): string[][] {
  const byCreator = new Map<number, string[]>();
  for (const [id, creator] of result.creatorOf)
    byCreator.set(creator, [...(byCreator.get(creator) ?? []), nameOf.get(id) as string]);
  return [...byCreator.values()].map((g) => g.sort()).sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
}

describe('stitching', () => {
  it('joins identifiers seen together into connected components', () => {
    // Prepare
    const r = region([
      [1, 'anonymous_id:laptop'],
      [2, 'anonymous_id:laptop', 'user_id:ada'],
      [3, 'anonymous_id:phone', 'user_id:ada'],
      [4, 'anonymous_id:stranger'],
    ]);

    // Act
    const result = stitch(r.identifiers, r.links, DEFAULT_IDENTITY_RULES);

    // Assess
    expect(groups(result, r.nameOf)).toEqual([
      ['anonymous_id:laptop', 'anonymous_id:phone', 'user_id:ada'],
      ['anonymous_id:stranger'],
    ]);
    expect(result.creatorOf.get(r.idOf('user_id:ada'))).toBe(r.idOf('anonymous_id:laptop'));
  });

  it('gives a shared computer to the user who signed in on it first, by event time, and records the other as a conflict', () => {
    // Prepare
    const r = region([
      [1, 'anonymous_id:family-pc'],
      [5, 'anonymous_id:family-pc', 'user_id:bob'],
      [3, 'anonymous_id:family-pc', 'user_id:ada'],
    ]);

    // Act
    const result = stitch(r.identifiers, r.links, DEFAULT_IDENTITY_RULES);

    // Assess
    expect(groups(result, r.nameOf)).toEqual([['anonymous_id:family-pc', 'user_id:ada'], ['user_id:bob']]);
    expect(result.conflicts).toEqual([
      {
        linkId: 101,
        identifierId: r.idOf('anonymous_id:family-pc'),
        reason: 'limit:user_id',
        creatorIds: [r.idOf('anonymous_id:family-pc'), r.idOf('user_id:bob')].sort((a, b) => a - b),
      },
    ]);
  });

  it('names both persons in the conflict when a shared computer meets a login seen for the first time', () => {
    // Prepare: Ada signs in on the family computer; Bob, never seen before, signs in on it too.
    const r = region([
      [1, 'anonymous_id:family-pc', 'user_id:ada'],
      [2, 'anonymous_id:family-pc', 'user_id:bob'],
    ]);

    // Act
    const result = stitch(r.identifiers, r.links, DEFAULT_IDENTITY_RULES);

    // Assess: Bob's person is as much a party to the conflict as Ada's.
    expect(groups(result, r.nameOf)).toEqual([['anonymous_id:family-pc', 'user_id:ada'], ['user_id:bob']]);
    expect(result.conflicts).toEqual([
      {
        linkId: 101,
        identifierId: r.idOf('anonymous_id:family-pc'),
        reason: 'limit:user_id',
        creatorIds: [r.idOf('user_id:ada'), r.idOf('user_id:bob')].sort((a, b) => a - b),
      },
    ]);
  });

  it('drops the lowest-priority identifier first when a merge would break a limit', () => {
    // Prepare: two signed-in persons; a form links Bob's e-mail to Ada's device.
    const r = region([
      [1, 'anonymous_id:ada-pc', 'user_id:ada'],
      [2, 'email:bob@x.io', 'user_id:bob'],
      [3, 'email:bob@x.io', 'anonymous_id:ada-pc'],
    ]);

    // Act
    const result = stitch(r.identifiers, r.links, DEFAULT_IDENTITY_RULES);

    // Assess
    expect(groups(result, r.nameOf)).toEqual([
      ['anonymous_id:ada-pc', 'user_id:ada'],
      ['email:bob@x.io', 'user_id:bob'],
    ]);
    expect(result.conflicts.map((c) => [c.identifierId, c.reason])).toEqual([
      [r.idOf('anonymous_id:ada-pc'), 'limit:user_id'],
    ]);
  });

  it('keeps two identified people apart when only a shared computer cookie joins them', () => {
    // Prepare: Ada signs in on the family computer; later her guest, known by an e-mail from her own
    // phone, types it on the same computer (no user id is involved, so no limit applies).
    const r = region([
      [1, 'anonymous_id:family-pc', 'user_id:ada'],
      [2, 'anonymous_id:guest-phone', 'email:guest@x.io'],
      [3, 'anonymous_id:family-pc', 'email:guest@x.io'],
      [4, 'anonymous_id:new-tablet', 'email:guest@x.io'],
    ]);

    // Act
    const result = stitch(r.identifiers, r.links, DEFAULT_IDENTITY_RULES);

    // Assess
    expect(groups(result, r.nameOf)).toEqual([
      ['anonymous_id:family-pc', 'user_id:ada'],
      ['anonymous_id:guest-phone', 'anonymous_id:new-tablet', 'email:guest@x.io'],
    ]);
    expect(result.conflicts.map((c) => [c.identifierId, c.reason])).toEqual([
      [r.idOf('anonymous_id:family-pc'), 'identified'],
    ]);
  });

  it('gives the ad clicks seen on a computer two people sign in on to neither of them', () => {
    // Prepare: Ada's family computer, on which her guest Bob (known from his phone) also signs in.
    const r = region([
      [1, 'anonymous_id:family-pc', 'gclid:before'],
      [2, 'anonymous_id:family-pc', 'user_id:ada'],
      [3, 'anonymous_id:bob-phone', 'user_id:bob'],
      [4, 'anonymous_id:family-pc', 'gclid:between'],
      [5, 'anonymous_id:family-pc', 'user_id:bob'],
      [6, 'anonymous_id:family-pc', 'gclid:after'],
      [7, 'anonymous_id:family-pc', 'user_id:ada'],
      [8, 'anonymous_id:family-pc'],
    ]);

    // Act
    const result = stitch(r.identifiers, r.links, DEFAULT_IDENTITY_RULES);

    // Assess
    expect(groups(result, r.nameOf)).toEqual([
      ['anonymous_id:bob-phone', 'user_id:bob'],
      ['anonymous_id:family-pc', 'user_id:ada'],
      ['gclid:after'],
      ['gclid:before'],
      ['gclid:between'],
    ]);
    expect(result.conflicts.map((c) => [r.nameOf.get(c.identifierId), c.reason])).toEqual([
      ['anonymous_id:family-pc', 'shared_device'],
      ['anonymous_id:family-pc', 'shared_device'],
      ['anonymous_id:family-pc', 'limit:user_id'],
      ['anonymous_id:family-pc', 'shared_device'],
    ]);
  });

  it('still joins an anonymous device to the person who signs in on it', () => {
    // Prepare
    const r = region([
      [1, 'anonymous_id:laptop', 'gclid:click'],
      [2, 'anonymous_id:phone', 'email:ada@x.io'],
      [3, 'anonymous_id:laptop', 'email:ada@x.io'],
    ]);

    // Act
    const result = stitch(r.identifiers, r.links, DEFAULT_IDENTITY_RULES);

    // Assess
    expect(groups(result, r.nameOf)).toEqual([
      ['anonymous_id:laptop', 'anonymous_id:phone', 'email:ada@x.io', 'gclid:click'],
    ]);
    expect(result.conflicts).toEqual([]);
  });

  it('refuses a merge that would move more identifiers than the merge cap', () => {
    // Prepare
    const rules: IdentityRules = { ...DEFAULT_IDENTITY_RULES, mergeCap: 2 };
    const r = region([
      [1, 'anonymous_id:a1'],
      [2, 'anonymous_id:b1', 'anonymous_id:b2', 'anonymous_id:b3'],
      [3, 'anonymous_id:a1', 'anonymous_id:b1'],
    ]);

    // Act
    const result = stitch(r.identifiers, r.links, rules);

    // Assess
    expect(groups(result, r.nameOf)).toHaveLength(2);
    expect(result.conflicts.map((c) => c.reason)).toEqual(['merge_cap']);
  });

  it('keeps a person at its e-mail limit instead of absorbing a sixth address', () => {
    // Prepare
    const emails = [1, 2, 3, 4, 5, 6].map((n) => [n, 'user_id:ada', `email:ada${n}@x.io`] as [number, ...string[]]);
    const r = region(emails);

    // Act
    const result = stitch(r.identifiers, r.links, DEFAULT_IDENTITY_RULES);

    // Assess
    const ada = groups(result, r.nameOf).find((g) => g.includes('user_id:ada')) ?? [];
    expect(ada.filter((n) => n.startsWith('email:'))).toHaveLength(5);
    expect(result.conflicts.map((c) => c.reason)).toEqual(['limit:email']);
  });

  it('gives the same persons and creators for any order of the same links', () => {
    // Prepare: devices, logins, a shared computer, an alias chain.
    const r = region([
      [1, 'anonymous_id:a'],
      [2, 'anonymous_id:a', 'user_id:u1'],
      [3, 'anonymous_id:b', 'user_id:u1', 'email:u1@x.io'],
      [4, 'anonymous_id:a', 'user_id:u2'],
      [5, 'anonymous_id:c', 'email:u1@x.io'],
      [6, 'anonymous_id:c', 'anonymous_id:d'],
      [7, 'anonymous_id:d', 'user_id:u2'],
      [8, 'gclid:g1', 'anonymous_id:d'],
    ]);
    const reference = stitch(r.identifiers, r.links, DEFAULT_IDENTITY_RULES);

    // Act
    const outcomes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) =>
      stitch(shuffled(r.identifiers, seed), shuffled(r.links, seed * 31), DEFAULT_IDENTITY_RULES),
    );

    // Assess
    for (const outcome of outcomes) {
      expect(outcome.creatorOf).toEqual(reference.creatorOf);
      expect(outcome.conflicts).toEqual(reference.conflicts);
    }
  });
});
