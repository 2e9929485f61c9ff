import { type BatchItem, type BatchLookups, type KnownLink, planBatch } from '../../lambdas/identity/batch-plan';
import type { IdentifierRow } from '../../lambdas/identity/identifier-rows';
import type { IdentifierType } from '../../lambdas/identity/identifier-types';
import { DEFAULT_IDENTITY_RULES } from '../../lambdas/identity/identity-rules';

const SITE = '00000000-0000-4000-8000-000000000001';

/** A database as lookups: identifiers by `type:value` (with their person), links by their members. */
function database(identifiers: readonly [string, string | null][], links: readonly [string[], number][]): BatchLookups {
  const rows = new Map<string, IdentifierRow>(
    identifiers.map(([name, person], i) => {
      const [type, value] = name.split(':') as [IdentifierType, string];
      return [
        `${type}:${value}`,
        { id: i + 1, type, value, person_id: person, first_seen_at: new Date(0), has_cipher: true, fresh: false },
      ];
    }),
  );
  const linkOf = new Map<string, KnownLink>(
    links.map(([names, at], i) => [
      names
        .map((n) => (rows.get(n) as IdentifierRow).id)
        .sort((a, b) => a - b)
        .join(','),
      { id: 100 + i, observedAt: at, eventId: `e${at}` },
    ]),
  );
  return {
    identifier: (_site, type, value) => rows.get(`${type}:${value}`),
    link: (_site, ids) => linkOf.get([...ids].sort((a, b) => a - b).join(',')),
  };
}

function item(index: number, at: number, ...names: string[]): BatchItem {
  return {
    index,
    siteId: SITE,
    observedAt: at,
    eventId: `e${at}`,
    accepted: names.map((name) => {
      const [type, value] = name.split(':') as [IdentifierType, string];
      return { type, value, lockKey: name };
    }),
  };
}

describe('batch planning', () => {
  it('confirms a returning visitor whose link is known and placed no later', () => {
    // Prepare
    const db = database([['anonymous_id:laptop', 'ada']], [[['anonymous_id:laptop'], 10]]);

    // Act
    const [placement] = planBatch([item(0, 20, 'anonymous_id:laptop')], db, DEFAULT_IDENTITY_RULES);

    // Assess
    expect(placement).toEqual({ kind: 'confirm', personId: 'ada' });
  });

  it('moves a known link earlier without re-stitching only for a single identifier', () => {
    // Prepare
    const db = database(
      [
        ['anonymous_id:laptop', 'ada'],
        ['user_id:ada', 'ada'],
      ],
      [
        [['anonymous_id:laptop'], 10],
        [['anonymous_id:laptop', 'user_id:ada'], 30],
      ],
    );

    // Act
    const placements = planBatch(
      [item(0, 5, 'anonymous_id:laptop'), item(1, 20, 'user_id:ada', 'anonymous_id:laptop')],
      db,
      DEFAULT_IDENTITY_RULES,
    );

    // Assess
    expect(placements[0]).toMatchObject({ kind: 'advance', personId: 'ada', linkId: 100 });
    expect(placements[1]).toEqual({ kind: 'careful' });
  });

  it('lets later observations of a set follow the first one of the batch', () => {
    // Prepare
    const db = database([], []);

    // Act
    const placements = planBatch(
      [item(0, 30, 'anonymous_id:new'), item(1, 10, 'anonymous_id:new'), item(2, 20, 'anonymous_id:new')],
      db,
      DEFAULT_IDENTITY_RULES,
    );

    // Assess
    expect(placements).toEqual([{ kind: 'follow', leader: 1 }, { kind: 'create' }, { kind: 'follow', leader: 1 }]);
  });

  it('grows a person created earlier in the batch with the identifiers a later observation adds', () => {
    // Prepare
    const db = database([], []);

    // Act
    const placements = planBatch(
      [item(0, 10, 'anonymous_id:new'), item(1, 20, 'gclid:click', 'anonymous_id:new')],
      db,
      DEFAULT_IDENTITY_RULES,
    );

    // Assess
    expect(placements[0]).toEqual({ kind: 'create' });
    expect(placements[1]).toMatchObject({ kind: 'grow', creator: 0, after: [0] });
  });

  it('extends a known person with new identifiers through its one known identifier', () => {
    // Prepare
    const db = database([['anonymous_id:laptop', 'ada']], [[['anonymous_id:laptop'], 10]]);

    // Act
    const [placement] = planBatch([item(0, 20, 'gclid:click', 'anonymous_id:laptop')], db, DEFAULT_IDENTITY_RULES);

    // Assess
    expect(placement).toMatchObject({ kind: 'extend', via: { value: 'laptop', person_id: 'ada' } });
  });

  it('sends a link that joins two known persons, or breaks a limit on its own, the careful way', () => {
    // Prepare
    const db = database(
      [
        ['anonymous_id:laptop', 'ada'],
        ['user_id:ada', 'ada-account'],
      ],
      [],
    );

    // Act
    const placements = planBatch(
      [item(0, 10, 'user_id:ada', 'anonymous_id:laptop'), item(1, 20, 'user_id:x', 'user_id:y')],
      db,
      DEFAULT_IDENTITY_RULES,
    );

    // Assess
    expect(placements).toEqual([{ kind: 'careful' }, { kind: 'careful' }]);
  });

  it('re-stitches an observation that relies on a new identifier a re-stitched one showed first', () => {
    // Prepare: x and y are two persons; at 10 a new n joins them (re-stitched), at 20 n shows up with a new m.
    const db = database(
      [
        ['anonymous_id:x', 'px'],
        ['anonymous_id:y', 'py'],
      ],
      [
        [['anonymous_id:x'], 1],
        [['anonymous_id:y'], 2],
      ],
    );

    // Act
    const placements = planBatch(
      [
        item(0, 10, 'anonymous_id:n', 'anonymous_id:x', 'anonymous_id:y'),
        item(1, 20, 'anonymous_id:n', 'anonymous_id:m'),
      ],
      db,
      DEFAULT_IDENTITY_RULES,
    );

    // Assess: not a new person for n and m, which one by one would never create.
    expect(placements).toEqual([{ kind: 'careful' }, { kind: 'careful' }]);
  });
});
