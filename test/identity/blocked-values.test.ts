import {
  IDENTIFIER_TYPES,
  type IdentifierInput,
  type IdentifierType,
  isPiiIdentifierType,
} from '../../lambdas/identity/identifier-types';
import type { IdentityObservation } from '../../lambdas/identity/observation';
import { createResolver, type Resolver } from '../../lambdas/identity/resolver';
import type { Sql } from '../../lambdas/ports/sql';
import {
  createTenant,
  createTestKeyring,
  observationOf,
  openDatabase,
  type ResolvePath,
  resolveEach,
} from './support/identity-fixture';

/** Every identifier type but e-mail and phone: stored as sent (normalized), so any word can be one. */
const PSEUDONYMOUS_TYPES: readonly IdentifierType[] = IDENTIFIER_TYPES.filter((type) => !isPiiIdentifierType(type));
const ALL_TYPES: readonly IdentifierType[] = IDENTIFIER_TYPES;

/** What SDKs send when they have no identifier (`blocked-values.ts`), as sent: any case, padded or not. */
const PLACEHOLDER_WORDS = [
  '',
  '   ',
  '\t\n',
  'null',
  'NULL',
  'undefined',
  ' undefined ',
  'nil',
  'none',
  'None',
  'nan',
  'NaN',
  'true',
  'false',
  '0',
  '-1',
  'anonymous',
  'Anonymous',
  'anon',
  'unknown',
  'guest',
  'n/a',
  'N/A',
  'not set',
  '(not set)',
  'not_set',
  'id',
  'distinct_id',
  'distinctId',
  'not_authenticated',
  'email',
  '[object Object]',
  '{}',
  '[]',
  '""',
  "''",
  '(null)',
  '<nil>',
];

/** All-zero ids: an IDFA/IDFV/GAID with ad tracking limited (the nil UUID), an Android id, a MAC. */
const ALL_ZERO_IDS = [
  '00000000-0000-0000-0000-000000000000',
  '{00000000-0000-0000-0000-000000000000}',
  '0000000000000000',
  '00:00:00:00:00:00',
  '00',
  '0.0',
];

/** Addresses typed into forms by people who will not give theirs. */
const PLACEHOLDER_EMAILS = [
  'test@test.com',
  'Test@Test.com',
  'test@example.com',
  'email@example.com',
  'user@example.com',
  'example@example.com',
  'a@a.com',
  'no@email.com',
  'none@none.com',
  'noemail@noemail.com',
  'noreply@shop.example',
  'no-reply@shop.example',
  'donotreply@shop.example',
  'do-not-reply@shop.example',
];

/** Phone numbers of zeros, local or international, however they are written. */
const ALL_ZERO_PHONES = [
  '000000',
  '0000000000',
  '+00 000 000 000',
  '(000) 000-0000',
  '0000 000 0000',
  '00000000000000',
];

/**
 * Per table: the types its values are refused for, and why. A placeholder word is no address and no
 * phone number, so it is refused as malformed there; everywhere else it is blocked by name.
 */
const CASES = [
  {
    kind: 'placeholder word',
    values: PLACEHOLDER_WORDS,
    types: ALL_TYPES,
    reason: (type: IdentifierType) => (isPiiIdentifierType(type) ? 'malformed' : 'blocked_value'),
  },
  { kind: 'all-zero id', values: ALL_ZERO_IDS, types: PSEUDONYMOUS_TYPES, reason: () => 'all_zero' },
  {
    kind: 'placeholder e-mail',
    values: PLACEHOLDER_EMAILS,
    types: [...PSEUDONYMOUS_TYPES, 'email'] as IdentifierType[],
    reason: () => 'blocked_email',
  },
  { kind: 'all-zero phone', values: ALL_ZERO_PHONES, types: ['phone'] as IdentifierType[], reason: () => 'all_zero' },
].flatMap(({ kind, values, types, reason }) =>
  values.map((value) => ({
    kind,
    value,
    types,
    refused: types.map((type) => ({ type, reason: reason(type) })),
  })),
);

describe.each<ResolvePath>(['one by one', 'in a batch'])('blocked identifier values, resolved %s', (mode) => {
  let sql: Sql;
  let resolver: Resolver;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ sql } = await openDatabase('PGlite (embedded)'));
    const keys = createTestKeyring(sql);
    cleanup = keys.cleanup;
    resolver = createResolver({ sql, keyring: keys.keyring, softLinks: false });
  });
  afterAll(async () => {
    await sql.close();
    cleanup();
  });

  const resolveAll = (observations: readonly IdentityObservation[]) => resolveEach(resolver, mode, observations);

  it.each(CASES)('refuses the $kind $value for every type it applies to and joins nobody on it', async (blocked) => {
    // Prepare: two visitors, each sending the blocked value as every identifier type it applies to.
    const tenant = await createTenant(sql);
    const visitor = (anonymousId: string) =>
      observationOf(tenant, [
        { type: 'anonymous_id', value: anonymousId },
        ...blocked.types.map((type): IdentifierInput => ({ type, value: blocked.value })),
      ]);

    // Act
    const [a, b] = await resolveAll([visitor('visitor-a'), visitor('visitor-b')]);

    // Assess: two persons, every blocked identifier reported with its reason, none stored.
    expect(a?.personId).toEqual(expect.any(String));
    expect(b?.personId).toEqual(expect.any(String));
    expect(b?.personId).not.toBe(a?.personId);
    expect(a?.refused).toEqual(blocked.refused);
    expect(b?.refused).toEqual(blocked.refused);
    const stored = await sql.db
      .selectFrom('identifiers')
      .select(['type', 'value'])
      .where('site_id', '=', tenant.siteId)
      .orderBy('value')
      .execute();
    expect(stored).toEqual([
      { type: 'anonymous_id', value: 'visitor-a' },
      { type: 'anonymous_id', value: 'visitor-b' },
    ]);
    const mapped = await sql.db
      .selectFrom('identity_map')
      .select(['identifier_value', 'person_id'])
      .where('site_id', '=', tenant.siteId)
      .orderBy('identifier_value')
      .execute();
    expect(mapped).toEqual([
      { identifier_value: 'visitor-a', person_id: a?.personId },
      { identifier_value: 'visitor-b', person_id: b?.personId },
    ]);
  });

  it('refuses an observation of blocked values only without making a person', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const observation = observationOf(tenant, [
      { type: 'user_id', value: 'null' },
      { type: 'idfa', value: '00000000-0000-0000-0000-000000000000' },
      { type: 'email', value: 'test@test.com' },
    ]);

    // Act
    const [resolution] = await resolveAll([observation]);

    // Assess
    expect(resolution?.personId).toBeUndefined();
    expect(resolution?.refused).toEqual([
      { type: 'user_id', reason: 'blocked_value' },
      { type: 'idfa', reason: 'all_zero' },
      { type: 'email', reason: 'blocked_email' },
    ]);
    const persons = await sql.db.selectFrom('persons').select('id').where('site_id', '=', tenant.siteId).execute();
    const identifiers = await sql.db
      .selectFrom('identifiers')
      .select('id')
      .where('site_id', '=', tenant.siteId)
      .execute();
    expect({ persons, identifiers }).toEqual({ persons: [], identifiers: [] });
  });
});
