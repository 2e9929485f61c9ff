import type { Kysely } from 'kysely';
import { StorageError, ValidationError } from '../core/errors';
import type { Database } from '../db/schema';
import { withOrganization } from '../db/tenant';
import type { Sql } from '../ports/sql';
import { type BatchOutcome, resolveObservations } from './batch-resolver';
import { linkCompany } from './company-rows';
import type { OrganizationKeyring, OrganizationKeys } from './crypto/organization-keys';
import { personKeys } from './crypto/person-keys';
import { erasedObservations } from './erased-identifiers';
import { findOrInsertIdentifiers, type IdentifierRow, type Scope } from './identifier-rows';
import { DEFAULT_IDENTITY_RULES, type IdentityRules } from './identity-rules';
import { placeLink } from './link-placement';
import { linksTouching } from './link-rows';
import { type IdentityObservation, parseIdentityObservation } from './observation';
import { sealNewPii } from './pii-identifiers';
import { type PreparedIdentifier, prepareIdentifiers, type RefusedIdentifier } from './prepared-identifiers';
import { keepRawEvents } from './raw-events';
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
  /**
   * True when the observation came from before an erasure of one of its identifiers: it was dropped
   * and nothing stored, so the erased person stays erased (`erased-identifiers.ts`).
   */
  readonly erased?: true;
}

/** The resolution of an observation an erasure overtook. */
export function erasedResolution(eventId: string, refused: readonly RefusedIdentifier[], attempts: number): Resolution {
  return {
    eventId,
    personId: undefined,
    createdPersons: [],
    merges: [],
    refused,
    restitched: false,
    attempts,
    erased: true,
  };
}

export interface Resolver {
  resolve(observation: IdentityObservation): Promise<Resolution>;
  /**
   * Resolves many observations (queue messages, each validated on its own) with a few statements
   * for the whole batch where nothing needs re-stitching, and the careful path for the rest. One
   * outcome per input, in order: one bad observation fails alone.
   */
  resolveBatch(observations: readonly unknown[]): Promise<BatchOutcome[]>;
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
 * const outcomes = await resolver.resolveBatch(messages); // many at once, the same persons
 */
export function createResolver(deps: ResolverDependencies): Resolver {
  const rules = deps.rules ?? DEFAULT_IDENTITY_RULES;
  const maxAttempts = deps.maxAttempts ?? 12;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const knownSites = new Set<string>();

  const resolver: Resolver = {
    resolveBatch: (observations) =>
      resolveObservations(
        {
          sql: deps.sql,
          keyring: deps.keyring,
          rules,
          softLinks: deps.softLinks,
          maxAttempts,
          sleep,
          knownSites,
          resolveOne: (observation) => resolver.resolve(observation),
        },
        observations,
      ),
    async resolve(input) {
      const observation = parseIdentityObservation(input);
      const keys = await deps.keyring.keysFor(observation.organizationId);
      const { accepted, refused } = prepareIdentifiers(
        observation.siteId,
        observation.identifiers,
        keys.indexKey,
        rules,
        { phoneRegion: observation.phoneRegion },
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
  return resolver;
}

interface TransactionInput {
  readonly observation: IdentityObservation;
  readonly accepted: readonly PreparedIdentifier[];
  readonly keys: OrganizationKeys;
  readonly rules: IdentityRules;
  readonly hint: readonly string[];
  readonly softLinks: SoftLinkOptions | false | undefined;
}

type Outcome = Pick<Resolution, 'personId' | 'createdPersons' | 'merges' | 'restitched' | 'erased'>;

async function resolveInTransaction(trx: Kysely<Database>, input: TransactionInput): Promise<Outcome> {
  const { observation, accepted, keys, rules } = input;
  const scope: Scope = { organizationId: observation.organizationId, siteId: observation.siteId };
  const observedAt = new Date(observation.observedAt);
  if (accepted.length === 0) return { personId: undefined, createdPersons: [], merges: [], restitched: false };

  const held = new Set([...accepted.map((a) => a.lockKey), ...input.hint]);
  await lockKeys(trx, held);
  // Under the locks an erasure takes too: from before an erasure of one of its identifiers, it is dropped.
  const overtaken = await erasedObservations(trx, keys.indexKey, [
    { siteId: scope.siteId, observedAt: observation.observedAt, receivedAt: observation.receivedAt, accepted },
  ]);
  if (overtaken.size > 0)
    return { personId: undefined, createdPersons: [], merges: [], restitched: false, erased: true };
  const observed = await findOrInsertIdentifiers(trx, scope, accepted, observedAt);
  const rows = orderLike(accepted, observed.rows);

  const placed = await placeLink(trx, scope, rows, observed.link, observedAt, observation.eventId, rules);
  let personOf = new Map(rows.map((r) => [r.id, r.person_id]));
  let changes: Pick<Outcome, 'createdPersons' | 'merges'> = { createdPersons: [], merges: [] };
  if (placed.changed) {
    const limit = rules.regionCap * 2 + 40;
    const seedIds = rows.map((r) => r.id);
    const region = await lockRegion(trx, scope.siteId, seedIds, held, limit, placed.region);
    if (region.length >= limit) throw new StorageError(`identity region exceeds ${limit} identifiers`);
    // Identifiers first seen now have no links but the one just made.
    const links =
      placed.region && placed.newLink && rows.every((r) => r.fresh)
        ? [{ ...placed.newLink, conflicts: [] }]
        : await linksTouching(
            trx,
            region.map((r) => r.id),
          );
    const rewritten = await rewriteRegion(trx, scope, region, links, rules, keys.encryptionKey);
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

  // Traits and companies belong to the identifier that showed them (the e-mail address for its domain).
  const source = { siteId: scope.siteId, type: top.type, value: top.value };
  if (observation.traits) {
    await applyTraits(
      trx,
      {
        organizationId: scope.organizationId,
        personId,
        source,
        observedAt,
        indexKey: keys.indexKey,
        personKey: () => keyOf(personId),
      },
      observation.traits,
    );
  }
  if (observation.company) {
    const kind = observation.company.groupId ? 'group' : 'observation';
    await linkCompany(trx, scope.organizationId, source, observation.company, kind, observedAt);
  }
  const emails = accepted.filter((a) => a.type === 'email' && a.plaintext);
  for (const email of emails) {
    const address = email.plaintext as string;
    const shownBy = { siteId: scope.siteId, type: email.type, value: email.value };
    await linkCompany(
      trx,
      scope.organizationId,
      shownBy,
      { domain: address.split('@')[1] },
      'email_domain',
      observedAt,
    );
  }
  if (input.softLinks !== false) {
    const signals = softSignalsOf(keys.indexKey, {
      ip: observation.ip,
      userAgent: observation.userAgent,
      emails: emails.map((e) => e.plaintext as string),
    });
    await recordSoftSignals(trx, scope, personId, observedAt, signals, input.softLinks ?? {});
  }
  await recordSlimEvent(trx, scope, personId, observation.eventId, observedAt, observation.event);
  if (observation.raw) {
    const key = await keyOf(personId);
    await keepRawEvents(
      trx,
      scope.organizationId,
      [{ siteId: scope.siteId, eventId: observation.eventId, personId, raw: observation.raw }],
      () => key,
    );
  }
  return { personId, restitched: placed.changed, ...changes };
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
