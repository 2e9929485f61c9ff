import { type Kysely, sql as raw } from 'kysely';
import { StorageError, ValidationError } from '../core/errors';
import type { Database } from '../db/schema';
import { withOrganization } from '../db/tenant';
import type { Sql } from '../ports/sql';
import { linkCompany } from './company-rows';
import type { OrganizationKeyring, OrganizationKeys } from './crypto/organization-keys';
import { personKeys } from './crypto/person-keys';
import { sealText } from './crypto/pii-cipher';
import { identifierAad } from './identifier-aad';
import { type IdentifierRow, regionOf, type Scope, upsertIdentifiers } from './identifier-rows';
import { DEFAULT_IDENTITY_RULES, type IdentityRules } from './identity-rules';
import { advanceLink, findLink, insertLink, isEarlier, linksTouching } from './link-rows';
import { type IdentityObservation, parseIdentityObservation } from './observation';
import { personsCreatedBy } from './person-rows';
import { type PreparedIdentifier, prepareIdentifiers, type RefusedIdentifier } from './prepared-identifiers';
import { RegionContentionError } from './region-contention';
import { lockKeys, lockRegion } from './region-locks';
import { rewriteRegion } from './region-writer';
import { recordSlimEvent } from './slim-events';
import { recordSoftSignals, type SoftLinkOptions, softSignalsOf } from './soft-links';
import { applyTraits } from './trait-rows';
import { isRetryableConflict, retryDelayMs } from './transaction-retry';

export interface ResolverDependencies {
  readonly sql: Sql;
  readonly keyring: OrganizationKeyring;
  /** @default DEFAULT_IDENTITY_RULES */
  readonly rules?: IdentityRules;
  /** `false` records no soft signals. @default {} */
  readonly softLinks?: SoftLinkOptions | false;
  /** Attempts per observation on deadlocks, serialization failures and lock contention. @default 12 */
  readonly maxAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What resolving one observation did. */
export interface Resolution {
  readonly eventId: string;
  /** The person the observation resolved to; `undefined` when it carried no usable identifier. */
  readonly personId: string | undefined;
  readonly createdPersons: readonly string[];
  readonly merges: readonly { readonly from: string; readonly into: string; readonly rule: string }[];
  /** Identifiers refused before stitching (blocked or malformed values). */
  readonly refused: readonly RefusedIdentifier[];
  /** Whether the region was re-stitched (a new or earlier link), as opposed to a known visitor confirmed. */
  readonly restitched: boolean;
  readonly attempts: number;
}

export interface Resolver {
  resolve(observation: IdentityObservation): Promise<Resolution>;
}

/**
 * Deterministic identity resolution. Each observation becomes a link between its identifiers; the
 * region of links it touches is locked (advisory locks per identifier, taken in order) and
 * re-stitched in event-time order, so persons come out the same whatever order observations arrive
 * in and however many workers resolve them. Then traits, companies, soft signals and the slim event.
 *
 * @example
 * const resolver = createResolver({ sql, keyring: createOrganizationKeyring(sql, keyWrapper) });
 * const { personId } = await resolver.resolve(observation);
 */
export function createResolver(deps: ResolverDependencies): Resolver {
  const rules = deps.rules ?? DEFAULT_IDENTITY_RULES;
  const maxAttempts = deps.maxAttempts ?? 12;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const knownSites = new Set<string>();

  return {
    async resolve(input) {
      const observation = parseIdentityObservation(input);
      const keys = await deps.keyring.keysFor(observation.organizationId);
      const { accepted, refused } = prepareIdentifiers(
        observation.siteId,
        observation.identifiers,
        keys.indexKey,
        rules,
      );

      let hint: readonly string[] = [];
      for (let attempt = 1; ; attempt++) {
        try {
          const outcome = await withOrganization(deps.sql, observation.organizationId, async (trx) => {
            await assertSiteOfOrganization(trx, observation, knownSites);
            return resolveInTransaction(trx, { observation, accepted, keys, rules, hint, softLinks: deps.softLinks });
          });
          return { eventId: observation.eventId, refused, attempts: attempt, ...outcome };
        } catch (error) {
          const contention = error instanceof RegionContentionError;
          if (attempt >= maxAttempts || !(contention || isRetryableConflict(error))) throw error;
          if (contention) hint = error.lockKeys;
          await sleep(retryDelayMs(attempt));
        }
      }
    },
  };
}

interface TransactionInput {
  readonly observation: IdentityObservation;
  readonly accepted: readonly PreparedIdentifier[];
  readonly keys: OrganizationKeys;
  readonly rules: IdentityRules;
  readonly hint: readonly string[];
  readonly softLinks: SoftLinkOptions | false | undefined;
}

type Outcome = Pick<Resolution, 'personId' | 'createdPersons' | 'merges' | 'restitched'>;

async function resolveInTransaction(trx: Kysely<Database>, input: TransactionInput): Promise<Outcome> {
  const { observation, accepted, keys, rules } = input;
  const scope: Scope = { organizationId: observation.organizationId, siteId: observation.siteId };
  const observedAt = new Date(observation.observedAt);
  if (accepted.length === 0) return { personId: undefined, createdPersons: [], merges: [], restitched: false };

  const held = new Set([...accepted.map((a) => a.lockKey), ...input.hint]);
  await lockKeys(trx, held);
  const rows = orderLike(accepted, await upsertIdentifiers(trx, scope, accepted, observedAt));

  const linked = await placeLink(trx, scope, rows, observedAt, observation.eventId, rules);
  let personOf = new Map(rows.map((r) => [r.id, r.person_id]));
  let changes: Pick<Outcome, 'createdPersons' | 'merges'> = { createdPersons: [], merges: [] };
  if (linked.changed) {
    const limit = rules.regionCap * 2 + 40;
    const region = await lockRegion(trx, scope.siteId, linked.seedIds, held, limit);
    if (region.length >= limit) throw new StorageError(`identity region exceeds ${limit} identifiers`);
    const links = await linksTouching(
      trx,
      scope.siteId,
      region.map((r) => r.id),
    );
    const persons = await personsCreatedBy(
      trx,
      region.map((r) => r.id),
    );
    const rewritten = await rewriteRegion(trx, scope, region, links, persons, rules);
    personOf = new Map(rewritten.personOf);
    changes = rewritten;
  }
  const top = rows[0] as IdentifierRow;
  const personId = personOf.get(top.id);
  if (!personId) throw new StorageError(`identifier ${top.id} has no person after resolution`);

  let keyCache: Map<string, Uint8Array> | undefined;
  const keyOf = async (id: string) => {
    keyCache ??= new Map();
    if (!keyCache.has(id)) {
      const found = await personKeys(trx, keys.encryptionKey, scope.organizationId, [id], { create: true });
      keyCache.set(id, found.get(id) as Uint8Array);
    }
    return keyCache.get(id) as Uint8Array;
  };
  await sealNewPii(trx, scope.siteId, accepted, rows, personOf, keyOf);

  if (observation.traits) {
    await applyTraits(
      trx,
      {
        organizationId: scope.organizationId,
        personId,
        observedAt,
        indexKey: keys.indexKey,
        personKey: () => keyOf(personId),
      },
      observation.traits,
    );
  }
  if (observation.company) {
    const source = observation.company.groupId ? 'group' : 'observation';
    await linkCompany(trx, scope.organizationId, personId, observation.company, source, observedAt);
  }
  const emails = accepted.filter((a) => a.type === 'email' && a.plaintext).map((a) => a.plaintext as string);
  for (const email of emails) {
    await linkCompany(trx, scope.organizationId, personId, { domain: email.split('@')[1] }, 'email_domain', observedAt);
  }
  if (input.softLinks !== false) {
    const signals = softSignalsOf(keys.indexKey, { ip: observation.ip, userAgent: observation.userAgent, emails });
    await recordSoftSignals(trx, scope, personId, observedAt, signals, input.softLinks ?? {});
  }
  if (observation.event) {
    await recordSlimEvent(trx, scope, personId, observation.eventId, observedAt, observation.event);
  }
  await raw`update raw_events set person_id = ${personId}::uuid
    where site_id = ${scope.siteId}::uuid and event_id = ${observation.eventId}::text
      and person_id is distinct from ${personId}::uuid`.execute(trx);
  return { personId, restitched: linked.changed, ...changes };
}

/**
 * Records the observation's link (or moves a known one to an earlier sighting). A link that would
 * grow its region past `regionCap` loses its lowest-priority identifiers first; those stand alone.
 * `changed` says whether the region must be re-stitched.
 */
async function placeLink(
  trx: Kysely<Database>,
  scope: Scope,
  rows: readonly IdentifierRow[],
  observedAt: Date,
  eventId: string,
  rules: IdentityRules,
): Promise<{ changed: boolean; seedIds: number[] }> {
  const allIds = rows.map((r) => r.id);
  const existing = await findLink(trx, scope.siteId, sortedIds(allIds));
  if (existing) {
    if (!isEarlier(existing, observedAt, eventId)) return { changed: rows.some((r) => !r.person_id), seedIds: allIds };
    await advanceLink(trx, existing.id, observedAt, eventId);
    return { changed: true, seedIds: allIds };
  }

  const kept = [...rows];
  const trimmed: IdentifierRow[] = [];
  while (
    kept.length > 1 &&
    (
      await regionOf(
        trx,
        scope.siteId,
        kept.map((r) => r.id),
        rules.regionCap + 1,
      )
    ).length > rules.regionCap
  ) {
    trimmed.push(kept.pop() as IdentifierRow);
  }
  const keptIds = sortedIds(kept.map((r) => r.id));
  const keptLink = await findLink(trx, scope.siteId, keptIds);
  const linkId = keptLink?.id ?? (await insertLink(trx, scope, keptIds, observedAt, eventId));
  if (keptLink && isEarlier(keptLink, observedAt, eventId)) await advanceLink(trx, keptLink.id, observedAt, eventId);
  for (const row of trimmed) {
    if (!row.person_id && !(await findLink(trx, scope.siteId, [row.id]))) {
      await insertLink(trx, scope, [row.id], observedAt, eventId);
    }
    await raw`
      insert into identity_conflicts (organization_id, site_id, link_id, identifier_id, reason)
      values (${scope.organizationId}::uuid, ${scope.siteId}::uuid, ${linkId}, ${row.id}, 'region_cap')
      on conflict (link_id, identifier_id) do nothing`.execute(trx);
  }
  return { changed: true, seedIds: allIds };
}

/** Seals the plaintext of PII identifiers stored for the first time, with their person's key. */
async function sealNewPii(
  trx: Kysely<Database>,
  siteId: string,
  accepted: readonly PreparedIdentifier[],
  rows: readonly IdentifierRow[],
  personOf: ReadonlyMap<number, string | null>,
  keyOf: (personId: string) => Promise<Uint8Array>,
): Promise<void> {
  for (const [index, row] of rows.entries()) {
    const plaintext = accepted[index]?.plaintext;
    const personId = personOf.get(row.id);
    if (row.has_cipher || plaintext === undefined || !personId) continue;
    const cipher = sealText(await keyOf(personId), plaintext, identifierAad(siteId, row.type, row.value));
    await raw`update identifiers set value_cipher = ${Buffer.from(cipher)}, key_person_id = ${personId}::uuid
      where id = ${row.id} and value_cipher is null`.execute(trx);
  }
}

/** The site must belong to the observation's organization (row-level security hides any other). */
async function assertSiteOfOrganization(
  trx: Kysely<Database>,
  observation: IdentityObservation,
  knownSites: Set<string>,
): Promise<void> {
  const key = `${observation.organizationId}/${observation.siteId}`;
  if (knownSites.has(key)) return;
  const site = await trx.selectFrom('sites').select('id').where('id', '=', observation.siteId).executeTakeFirst();
  if (!site) throw new ValidationError(`site ${observation.siteId} is not a site of the organization`, 'siteId');
  knownSites.add(key);
}

/** `rows` in the order of `accepted` (highest priority first). */
function orderLike(accepted: readonly PreparedIdentifier[], rows: readonly IdentifierRow[]): IdentifierRow[] {
  const byKey = new Map(rows.map((r) => [`${r.type}\u0000${r.value}`, r]));
  return accepted.map((a) => {
    const row = byKey.get(`${a.type}\u0000${a.value}`);
    if (!row) throw new StorageError(`identifier ${a.type} was not stored`);
    return row;
  });
}

function sortedIds(ids: readonly number[]): number[] {
  return [...ids].sort((a, b) => a - b);
}
