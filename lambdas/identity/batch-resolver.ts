import { withOrganization } from '../db/tenant';
import type { Sql } from '../ports/sql';
import { isBefore } from './batch-plan';
import { type PendingObservation, resolveRound } from './batch-round';
import type { OrganizationKeyring } from './crypto/organization-keys';
import type { IdentityRules } from './identity-rules';
import { type IdentityObservation, parseIdentityObservation } from './observation';
import { type PreparedIdentifierMemo, prepareIdentifiers, type RefusedIdentifier } from './prepared-identifiers';
import { erasedResolution, type Resolution } from './resolver';
import type { SoftLinkOptions } from './soft-links';
import { isRetryableConflict, retryDelayMs } from './transaction-retry';

/** How one observation of a batch fared: each succeeds or fails on its own. */
export type BatchOutcome =
  | { readonly ok: true; readonly resolution: Resolution }
  | { readonly ok: false; readonly error: unknown };

export interface BatchContext {
  readonly sql: Sql;
  readonly keyring: OrganizationKeyring;
  readonly rules: IdentityRules;
  readonly softLinks: SoftLinkOptions | false | undefined;
  readonly maxAttempts: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** `organizationId/siteId` of the sites known to belong to their organization. */
  readonly knownSites: Set<string>;
  /** The careful path: one observation re-stitched in its own transaction. */
  readonly resolveOne: (observation: IdentityObservation) => Promise<Resolution>;
}

/**
 * Resolves a batch: per organization, one transaction (`resolveRound`) resolves the observations,
 * most with a few multi-row statements for all of them, those that need re-stitching in one
 * re-stitching of their regions together. What it leaves (a region another resolver holds) goes the
 * one-by-one careful path afterwards. A round that fails as a whole (one bad observation) is split in
 * halves, each a round again, until the bad one is alone; it goes the careful path, so only it fails.
 *
 * @example
 * const outcomes = await resolveObservations(context, messages);
 * const failedIndexes = outcomes.flatMap((o, i) => (o.ok ? [] : [i]));
 */
export async function resolveObservations(context: BatchContext, inputs: readonly unknown[]): Promise<BatchOutcome[]> {
  // Filled as observations are resolved; an Error (and its stack) made only for one left unresolved.
  const outcomes: (BatchOutcome | undefined)[] = new Array(inputs.length);
  const byOrganization = new Map<string, { index: number; observation: IdentityObservation }[]>();
  inputs.forEach((input, index) => {
    try {
      const observation = parseIdentityObservation(input);
      const group = byOrganization.get(observation.organizationId);
      if (group) group.push({ index, observation });
      else byOrganization.set(observation.organizationId, [{ index, observation }]);
    } catch (error) {
      outcomes[index] = { ok: false, error };
    }
  });
  for (const [organizationId, entries] of byOrganization) {
    await resolveOrganization(context, organizationId, entries, outcomes);
  }
  return Array.from(outcomes, (o) => o ?? { ok: false, error: new Error('not resolved') });
}

async function resolveOrganization(
  context: BatchContext,
  organizationId: string,
  entries: readonly { index: number; observation: IdentityObservation }[],
  outcomes: (BatchOutcome | undefined)[],
): Promise<void> {
  const one = async (p: { index: number; observation: IdentityObservation }) => {
    try {
      outcomes[p.index] = { ok: true, resolution: await context.resolveOne(p.observation) };
    } catch (error) {
      outcomes[p.index] = { ok: false, error };
    }
  };
  let keys: Awaited<ReturnType<OrganizationKeyring['keysFor']>>;
  try {
    keys = await context.keyring.keysFor(organizationId);
  } catch (error) {
    for (const e of entries) outcomes[e.index] = { ok: false, error };
    return;
  }

  const refusedOf = new Map<number, RefusedIdentifier[]>();
  const memo: PreparedIdentifierMemo = new Map();
  const prepared: PendingObservation[] = entries.map(({ index, observation }) => {
    const { accepted, refused } = prepareIdentifiers(
      observation.siteId,
      observation.identifiers,
      keys.indexKey,
      context.rules,
      { memo, phoneRegion: observation.phoneRegion },
    );
    refusedOf.set(index, refused);
    return {
      index,
      observation,
      siteId: observation.siteId,
      observedAt: observation.observedAt,
      receivedAt: observation.receivedAt,
      eventId: observation.eventId,
      accepted,
    };
  });
  const byIndex = new Map(prepared.map((p) => [p.index, p]));
  const alone = prepared.filter((p) => p.accepted.length === 0);
  let pending = prepared.filter((p) => p.accepted.length > 0);
  const input = {
    organizationId,
    keys,
    rules: context.rules,
    softLinks: context.softLinks,
    knownSites: context.knownSites,
  };

  // A round that fails as a whole (one bad observation, an engine error) is split in two and each
  // half tried as a round of its own, down to single observations: a bad one costs a few rounds,
  // not the whole batch one by one.
  const inRounds = async (part: readonly PendingObservation[]): Promise<PendingObservation[]> => {
    try {
      const { result, attempts } = await withRetries(context, () =>
        withOrganization(context.sql, organizationId, (trx) => resolveRound(trx, input, part)),
      );
      for (const [index, r] of result.resolved) {
        const p = byIndex.get(index) as PendingObservation;
        outcomes[index] = {
          ok: true,
          resolution: {
            eventId: p.eventId,
            personId: r.personId,
            createdPersons: r.created,
            merges: r.merges,
            refused: refusedOf.get(index) ?? [],
            restitched: r.linked,
            attempts,
          },
        };
      }
      for (const [index, error] of result.failed) outcomes[index] = { ok: false, error };
      for (const index of result.erased) {
        const p = byIndex.get(index) as PendingObservation;
        outcomes[index] = { ok: true, resolution: erasedResolution(p.eventId, refusedOf.get(index) ?? [], attempts) };
      }
      return part.filter((p) => result.deferred.has(p.index));
    } catch {
      if (part.length === 1) return [...part];
      const half = Math.ceil(part.length / 2);
      return [...(await inRounds(part.slice(0, half))), ...(await inRounds(part.slice(half)))];
    }
  };
  if (pending.length > 0) pending = await inRounds(pending);
  // What the round left (regions another resolver holds, regions at the cap), in event order.
  for (const p of [...alone, ...pending].sort((a, b) => (isBefore(a, b) ? -1 : 1))) await one(p);
}

async function withRetries<T>(context: BatchContext, work: () => Promise<T>): Promise<{ result: T; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { result: await work(), attempts: attempt };
    } catch (error) {
      if (attempt >= context.maxAttempts || !isRetryableConflict(error)) throw error;
      await context.sleep(retryDelayMs(attempt));
    }
  }
}
