import type { Kysely } from 'kysely';
import { sql as raw } from 'kysely';
import { ValidationError } from '../core/errors';
import type { Database } from '../db/schema';
import { applyObservationEffects } from './batch-effects';
import { qualifyingExtensions } from './batch-extensions';
import { type BatchItem, creatorOf, isBefore, type Placement, planBatch } from './batch-plan';
import { restitchTogether } from './batch-restitch';
import {
  earliestLinkOf,
  type FreshIdentifier,
  findIdentifiers,
  findLinks,
  insertCreatedPersons,
  insertFreshIdentifiers,
  type SiteIdentifierRow,
  siteIdentifierKey,
  writeLinks,
} from './batch-rows';
import type { OrganizationKeys } from './crypto/organization-keys';
import { personKeys } from './crypto/person-keys';
import { sealText } from './crypto/pii-cipher';
import { erasedObservations } from './erased-identifiers';
import { identifierAad } from './identifier-aad';
import type { IdentityRules } from './identity-rules';
import type { IdentityObservation } from './observation';
import { personIdFor } from './person-id';
import { isPiiTrait } from './pii-traits';
import { lockKeys } from './region-locks';
import type { SoftLinkOptions } from './soft-links';
import { uuidList } from './sql-values';

/** An observation of a batch, parsed and prepared. */
export interface PendingObservation extends BatchItem {
  readonly observation: IdentityObservation;
  /** The observation's `receivedAt`: whether an erasure came after it. */
  readonly receivedAt?: number | undefined;
}

/** What one round did: who each resolved observation went to, what failed, and what waits for the careful path. */
export interface RoundResult {
  readonly resolved: Map<
    number,
    {
      personId: string;
      created: readonly string[];
      merges: readonly { from: string; into: string; rule: string }[];
      linked: boolean;
    }
  >;
  readonly failed: Map<number, Error>;
  readonly deferred: Set<number>;
  /** Observations from before an erasure of one of their identifiers: dropped, nothing stored. */
  readonly erased: Set<number>;
}

export interface RoundInput {
  readonly organizationId: string;
  readonly keys: OrganizationKeys;
  readonly rules: IdentityRules;
  readonly softLinks: SoftLinkOptions | false | undefined;
  readonly knownSites: Set<string>;
}

/**
 * One transaction over a batch: every identifier locked in one statement (in key order, as
 * everywhere), read in two, the batch planned (`planBatch`), new persons, identifiers and links
 * written for the observations that need no re-stitching, then their effects. The rest is deferred.
 */
export async function resolveRound(
  trx: Kysely<Database>,
  input: RoundInput,
  pending: readonly PendingObservation[],
): Promise<RoundResult> {
  const { organizationId, keys, rules } = input;
  const failed = new Map<number, Error>();
  const unknownSites = await sitesOutside(trx, input.knownSites, pending);
  for (const p of pending) {
    if (unknownSites.has(p.siteId)) {
      failed.set(p.index, new ValidationError(`site ${p.siteId} is not a site of the organization`, 'siteId'));
    }
  }
  const valid = pending.filter((p) => !failed.has(p.index));

  const held = new Set(valid.flatMap((p) => p.accepted.map((a) => a.lockKey)));
  await lockKeys(trx, held);
  // Under the locks an erasure takes too: an observation from before an erasure of its identifiers is dropped.
  const overtaken = await erasedObservations(trx, keys.indexKey, valid);
  const items = valid.filter((p) => !overtaken.has(p));
  const rows = new Map<string, SiteIdentifierRow>();
  const wanted = new Map(
    items.flatMap((p) =>
      p.accepted.map((a) => [siteIdentifierKey(p.siteId, a.type, a.value), { siteId: p.siteId, ...a }] as const),
    ),
  );
  for (const row of await findIdentifiers(trx, [...wanted.values()])) {
    rows.set(siteIdentifierKey(row.site_id, row.type, row.value), row);
  }
  const rowOf = (p: BatchItem, a: { type: string; value: string }) =>
    rows.get(siteIdentifierKey(p.siteId, a.type, a.value));
  const linkKey = (siteId: string, ids: readonly number[]) => `${siteId}|${[...ids].sort((a, b) => a - b).join(',')}`;
  const sets = new Map<string, { siteId: string; ids: number[] }>();
  for (const p of items) {
    const found = p.accepted.map((a) => rowOf(p, a));
    if (found.every((r) => r !== undefined)) {
      const ids = found.map((r) => (r as SiteIdentifierRow).id);
      sets.set(linkKey(p.siteId, ids), { siteId: p.siteId, ids });
    }
  }
  const links = new Map(
    (await findLinks(trx, [...sets.values()])).map((l) => [
      linkKey(l.site_id, l.identifier_ids),
      { id: l.id, observedAt: new Date(l.first_observed_at).getTime(), eventId: l.first_event_id },
    ]),
  );

  const placements = planBatch(
    items,
    {
      identifier: (siteId, type, value) => rows.get(siteIdentifierKey(siteId, type, value)),
      link: (siteId, ids) => links.get(linkKey(siteId, ids)),
    },
    rules,
  );
  const placementOf = new Map<number, Placement>(items.map((p, i) => [p.index, placements[i] as Placement]));
  const careful = (index: number) => placementOf.set(index, { kind: 'careful' });

  const extensions = items.flatMap((item) => {
    const placement = placementOf.get(item.index) as Placement;
    return placement.kind === 'extend' ? [{ item, via: placement.via, fresh: placement.fresh }] : [];
  });
  const qualifying = await qualifyingExtensions(trx, extensions, held, rules);
  for (const e of extensions) if (!qualifying.has(e.item.index)) careful(e.item.index);

  const advances = items.flatMap((item) => {
    const placement = placementOf.get(item.index) as Placement;
    return placement.kind === 'advance' ? [{ item, placement }] : [];
  });
  const earliest = await earliestLinkOf(
    trx,
    advances.map((a) => a.placement.via.id),
  );
  for (const { item, placement } of advances) {
    const first = earliest.get(placement.via.id);
    // Moving a link earlier changes nothing when another link placed its identifier before, or when
    // it is the link that started a person that absorbed others (it only comes first by more).
    const noop = first !== undefined && isBefore(first, item);
    const starts = first?.linkId === placement.linkId && first.creatorOf === placement.personId;
    if (!noop && !starts) careful(item.index);
  }

  const creations = items
    .filter((p) => placementOf.get(p.index)?.kind === 'create')
    .map((p) => {
      const creator = creatorOf(p, rules);
      return { item: p, creator, personId: personIdFor(p.siteId, creator.type, creator.value) };
    });
  const taken = await insertCreatedPersons(
    trx,
    organizationId,
    creations.map((c) => ({ id: c.personId, siteId: c.item.siteId, firstSeenAt: new Date(c.item.observedAt) })),
  );
  // An erased person's tombstone holds the id: the careful path moves to the next generation.
  for (const c of creations) if (taken.has(c.personId)) careful(c.item.index);

  // In event-time order, so that what an observation relies on is settled before it.
  const personOf = new Map<number, string>();
  for (const c of creations) if (!taken.has(c.personId)) personOf.set(c.item.index, c.personId);
  for (const p of [...items].sort((a, b) => (isBefore(a, b) ? -1 : 1))) {
    const placement = placementOf.get(p.index) as Placement;
    if (placement.kind === 'confirm' || placement.kind === 'advance') personOf.set(p.index, placement.personId);
    if (placement.kind === 'extend' || placement.kind === 'grow') {
      if (placement.after.some((i) => placementOf.get(i)?.kind === 'careful')) careful(p.index);
      else
        personOf.set(
          p.index,
          placement.kind === 'extend'
            ? (placement.via.person_id as string)
            : (personOf.get(placement.creator) as string),
        );
    }
  }
  for (const p of items) {
    const placement = placementOf.get(p.index) as Placement;
    if (placement.kind !== 'follow') continue;
    const leader = personOf.get(placement.leader);
    if (leader && placementOf.get(placement.leader)?.kind !== 'careful') personOf.set(p.index, leader);
  }

  const linking = items.filter((p) => {
    const kind = placementOf.get(p.index)?.kind;
    return (kind === 'create' || kind === 'extend' || kind === 'grow') && personOf.has(p.index);
  });
  const resolvedItems = items.filter((p) => personOf.has(p.index));
  const freshOf = (p: BatchItem) => {
    const placement = placementOf.get(p.index) as Placement;
    return placement.kind === 'extend' || placement.kind === 'grow' ? placement.fresh : p.accepted;
  };
  const needKeys = linking
    .filter((p) => freshOf(p).some((a) => a.plaintext))
    .map((p) => personOf.get(p.index) as string);
  const personKeyOf = await personKeys(trx, keys.encryptionKey, organizationId, needKeys, { create: true });
  const personKey = (personId: string) => personKeyOf.get(personId) as Uint8Array;

  // A created person's creator is among its observation's new identifiers: pointed at as it is inserted.
  const creatorKeyOf = new Map(
    creations
      .filter((c) => !taken.has(c.personId))
      .map((c) => [siteIdentifierKey(c.item.siteId, c.creator.type, c.creator.value), c.personId]),
  );
  const fresh: FreshIdentifier[] = linking.flatMap((p) =>
    freshOf(p).map((a) => {
      const personId = personOf.get(p.index) as string;
      const cipher =
        a.plaintext === undefined
          ? null
          : Buffer.from(sealText(personKey(personId), a.plaintext, identifierAad(p.siteId, a.type, a.value))).toString(
              'base64',
            );
      const creates = creatorKeyOf.get(siteIdentifierKey(p.siteId, a.type, a.value));
      return {
        siteId: p.siteId,
        type: a.type,
        value: a.value,
        personId,
        firstSeenAt: new Date(p.observedAt),
        cipher,
        ...(creates ? { creates } : {}),
      };
    }),
  );
  const freshIds = await insertFreshIdentifiers(trx, organizationId, fresh);
  const idOf = (p: BatchItem, a: { type: string; value: string }) =>
    rowOf(p, a)?.id ?? (freshIds.get(siteIdentifierKey(p.siteId, a.type, a.value)) as number);
  await writeLinks(
    trx,
    organizationId,
    linking.map((p) => ({
      siteId: p.siteId,
      ids: p.accepted.map((a) => idOf(p, a)),
      observedAt: new Date(p.observedAt),
      eventId: p.eventId,
    })),
    advances
      .filter((a) => placementOf.get(a.item.index)?.kind === 'advance')
      .map((a) => ({ linkId: a.placement.linkId, observedAt: new Date(a.item.observedAt), eventId: a.item.eventId })),
  );

  const created = new Set(creations.filter((c) => !taken.has(c.personId)).map((c) => c.item.index));
  const linked = new Set(linking);
  const result: RoundResult = {
    resolved: new Map(),
    failed,
    deferred: new Set(),
    erased: new Set([...overtaken].map((p) => p.index)),
  };
  for (const p of resolvedItems) {
    const personId = personOf.get(p.index) as string;
    result.resolved.set(p.index, {
      personId,
      created: created.has(p.index) ? [personId] : [],
      merges: [],
      linked: linked.has(p),
    });
  }

  // Then what needs re-stitching, together, as if it had arrived after the rest of the batch.
  const carefulLeaders = items.filter((p) => placementOf.get(p.index)?.kind === 'careful');
  const bySite = new Map<string, PendingObservation[]>();
  for (const p of carefulLeaders) bySite.set(p.siteId, [...(bySite.get(p.siteId) ?? []), p]);
  const mergedInto = new Map<string, string>();
  const restitchedPersonOf = new Map<number, string>();
  for (const [siteId, group] of bySite) {
    const restitched = await restitchTogether(trx, { organizationId, siteId }, keys, rules, group, held);
    for (const [index, r] of restitched.resolved) result.resolved.set(index, { ...r, linked: true });
    for (const m of restitched.merges) mergedInto.set(m.from, m.into);
    for (const [id, personId] of restitched.personOf) restitchedPersonOf.set(id, personId);
  }
  const followers = items.filter((p) => {
    const placement = placementOf.get(p.index) as Placement;
    return placement.kind === 'follow' && !personOf.has(p.index) && result.resolved.has(placement.leader);
  });
  for (const p of followers) {
    const leader = (placementOf.get(p.index) as Extract<Placement, { kind: 'follow' }>).leader;
    const personId = result.resolved.get(leader)?.personId as string;
    result.resolved.set(p.index, { personId, created: [], merges: [], linked: false });
  }
  // Effects last, for everything the round resolved, on the persons as they are now: the person
  // re-stitching gave the observation's top identifier (as one by one would resolve it after the
  // batch), else the one its person was merged into, else its person.
  const topPersonOf = (p: BatchItem) => {
    const top = p.accepted[0];
    return top ? restitchedPersonOf.get(idOf(p, top)) : undefined;
  };
  const currentOf = (p: BatchItem) => {
    const personId = result.resolved.get(p.index)?.personId as string;
    return topPersonOf(p) ?? mergedInto.get(personId) ?? personId;
  };
  const done = items.filter((p) => result.resolved.has(p.index));
  const effective = done.map((p) => ({ observation: p.observation, accepted: p.accepted, personId: currentOf(p) }));
  const effectKeys = await personKeys(
    trx,
    keys.encryptionKey,
    organizationId,
    // Sealing needs the key of each person with PII traits or a raw event to keep.
    effective.filter((e) => e.observation.raw !== undefined || hasPiiTrait(e.observation)).map((e) => e.personId),
    { create: true },
  );
  await applyObservationEffects(
    trx,
    keys,
    organizationId,
    effective,
    (personId) => effectKeys.get(personId) as Uint8Array,
    input.softLinks,
  );
  // Each observation reports the person its effects went to, as one by one would.
  done.forEach((p, i) => {
    const resolved = result.resolved.get(p.index);
    const personId = effective[i]?.personId;
    if (resolved && personId) result.resolved.set(p.index, { ...resolved, personId });
  });
  for (const p of items) if (!result.resolved.has(p.index) && !failed.has(p.index)) result.deferred.add(p.index);
  return result;
}

/** The sites of `pending` that row-level security hides (another organization's, or none). */
async function sitesOutside(
  trx: Kysely<Database>,
  knownSites: Set<string>,
  pending: readonly PendingObservation[],
): Promise<Set<string>> {
  const organizationId = pending[0]?.observation.organizationId;
  const unknown = [...new Set(pending.map((p) => p.siteId))].filter((s) => !knownSites.has(`${organizationId}/${s}`));
  if (unknown.length === 0) return new Set();
  const { rows } = await raw<{ id: string }>`select id from sites where id in ${uuidList(unknown)}`.execute(trx);
  for (const row of rows) knownSites.add(`${organizationId}/${row.id}`);
  const visible = new Set(rows.map((r) => r.id));
  return new Set(unknown.filter((s) => !visible.has(s)));
}

function hasPiiTrait(observation: IdentityObservation): boolean {
  const { $set, $set_once } = observation.traits ?? {};
  return [$set, $set_once].some((traits) => Object.entries(traits ?? {}).some(([k, v]) => isPiiTrait(k, v)));
}
