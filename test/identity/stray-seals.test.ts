import type { RegionRow } from '../../lambdas/identity/identifier-rows';
import type { PersonRow } from '../../lambdas/identity/person-rows';
import { mayStraySeals } from '../../lambdas/identity/stray-seals';

/** A region identifier held by `person`, which it created when `creates` says so. */
function row(id: number, person: string | null, creates?: { merged_into: string | null }): RegionRow {
  return {
    id,
    type: 'anonymous_id',
    value: `v${id}`,
    person_id: person,
    first_seen_at: new Date(0),
    has_cipher: false,
    fresh: false,
    created_person_id: creates ? `p${id}` : null,
    created_person_merged_into: creates?.merged_into ?? null,
  };
}

const persons = (region: readonly RegionRow[]): PersonRow[] =>
  region.flatMap((r) =>
    r.created_person_id
      ? [{ id: r.created_person_id, creator_identifier_id: r.id, merged_into: r.created_person_merged_into }]
      : [],
  );

describe('when re-stitching may leave a sealed value with a key its person does not hold', () => {
  it('never for a merge: the merged person and its identifiers all lead to the survivor', () => {
    // p1 (identifiers 1, 2) and p3 (identifier 3) become one: p3 merged into p1.
    const region = [row(1, 'p1', { merged_into: null }), row(2, 'p1'), row(3, 'p3', { merged_into: null })];
    const personOf = new Map([
      [1, 'p1'],
      [2, 'p1'],
      [3, 'p1'],
    ]);
    expect(mayStraySeals({ region, persons: persons(region), personOf })).toBe(false);
  });

  it('never when nothing moves', () => {
    const region = [row(1, 'p1', { merged_into: null }), row(2, 'p1'), row(3, 'p1', { merged_into: 'p1' })];
    const personOf = new Map([
      [1, 'p1'],
      [2, 'p1'],
      [3, 'p1'],
    ]);
    expect(mayStraySeals({ region, persons: persons(region), personOf })).toBe(false);
  });

  it("when an identifier goes to another person than its person's (a late event re-assigns it)", () => {
    // Identifier 2 leaves p1 for p3, while p1 stays p1.
    const region = [row(1, 'p1', { merged_into: null }), row(2, 'p1'), row(3, 'p3', { merged_into: null })];
    const personOf = new Map([
      [1, 'p1'],
      [2, 'p3'],
      [3, 'p3'],
    ]);
    expect(mayStraySeals({ region, persons: persons(region), personOf })).toBe(true);
  });

  it('when a merge is undone: what the merged person sealed may stay with the survivor', () => {
    // p3 was merged into p1; now its creator stands alone again, identifier 2 stays with p1.
    const region = [row(1, 'p1', { merged_into: null }), row(2, 'p1'), row(3, 'p1', { merged_into: 'p1' })];
    const personOf = new Map([
      [1, 'p1'],
      [2, 'p1'],
      [3, 'p3'],
    ]);
    expect(mayStraySeals({ region, persons: persons(region), personOf })).toBe(true);
  });

  it('not for identifiers new to the region, which have no person yet', () => {
    const region = [row(1, 'p1', { merged_into: null }), row(2, null)];
    const personOf = new Map([
      [1, 'p1'],
      [2, 'p1'],
    ]);
    expect(mayStraySeals({ region, persons: persons(region), personOf })).toBe(false);
  });
});
