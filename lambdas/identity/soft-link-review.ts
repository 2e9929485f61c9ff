import { type Kysely, sql as raw } from 'kysely';
import { ConflictError, NotFoundError, StorageError } from '../core/errors';
import type { Database } from '../db/schema';
import { withOrganization } from '../db/tenant';
import type { Sql } from '../ports/sql';
import type { OrganizationKeyring } from './crypto/organization-keys';
import type { IdentifierType } from './identifier-types';
import { DEFAULT_IDENTITY_RULES, type IdentityRules, priorityOf } from './identity-rules';
import { findLink, insertLink, linksTouching } from './link-rows';
import { identifierLockKey } from './person-id';
import { RegionContentionError } from './region-contention';
import { lockKeys, lockRegion } from './region-locks';
import { rewriteRegion } from './region-writer';
import { bigintList } from './sql-values';
import { MANUAL_REVIEW_EVENT_PREFIX } from './stitching';
import { isRetryableConflict, retryDelayMs } from './transaction-retry';

export interface SoftLinkDecision {
  readonly organizationId: string;
  /** The site the link must belong to, when the caller is scoped to one. */
  readonly siteId?: string;
  readonly linkId: number;
  readonly decision: 'accept' | 'reject';
  /** Who decides: the member's e-mail in the API, the name given to the CLI (`--by`). */
  readonly decidedBy: string;
}

export interface SoftLinkReview {
  readonly id: number;
  readonly status: 'accepted' | 'rejected';
  /** The person both are now, when accepted. */
  readonly personId?: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

interface ReviewDependencies {
  readonly sql: Sql;
  /** Values sealed for one person and re-assigned by the merge's re-stitching are sealed again. */
  readonly keyring: OrganizationKeyring;
  /** @default DEFAULT_IDENTITY_RULES */
  readonly rules?: IdentityRules;
  /** Attempts on lock contention, deadlocks and serialization failures. @default 8 */
  readonly maxAttempts?: number;
  readonly now?: () => Date;
}

/**
 * A reviewer's decision on an open soft link. Accepting records a link between the two persons'
 * highest-priority identifiers, placed at the time of the review, and re-stitches their region as
 * any observation would: the merge (audited with rule `manual_review`) obeys the per-type limits and
 * the identified-person and shared-device rules, and a merge they refuse is a `ConflictError` that
 * changes nothing (two persons with different user ids stay two). Rejecting closes the link: the pair
 * is not listed again, whatever signal would propose it, nor after either person is merged into
 * another (`listSoftLinks` compares the persons as they are now). The decision is one on the pair
 * as the list shows it: the other open links between the same two current persons (stored under ids
 * merged since) give their evidence to this one and go. Who decided, and when, is kept with it.
 *
 * @example
 * await reviewSoftLink({ sql, keyring }, { organizationId, linkId: 42, decision: 'accept', decidedBy: 'ada@acme.io' });
 */
export async function reviewSoftLink(deps: ReviewDependencies, input: SoftLinkDecision): Promise<SoftLinkReview> {
  const rules = deps.rules ?? DEFAULT_IDENTITY_RULES;
  const maxAttempts = deps.maxAttempts ?? 8;
  const { encryptionKey } = await deps.keyring.keysFor(input.organizationId);
  let hint: readonly string[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      return await withOrganization(deps.sql, input.organizationId, (trx) =>
        decide(trx, input, rules, encryptionKey, hint, deps.now?.() ?? new Date()),
      );
    } catch (error) {
      const contention = error instanceof RegionContentionError;
      if (attempt >= maxAttempts || !(contention || isRetryableConflict(error))) throw error;
      if (contention) hint = error.lockKeys;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt)));
    }
  }
}

async function decide(
  trx: Kysely<Database>,
  input: SoftLinkDecision,
  rules: IdentityRules,
  encryptionKey: Uint8Array,
  hint: readonly string[],
  now: Date,
): Promise<SoftLinkReview> {
  const { rows } = await raw<{
    id: number;
    organization_id: string;
    site_id: string;
    status: string;
    person_a: string;
    person_b: string;
    erased: boolean;
  }>`
    select l.id, l.organization_id, l.site_id, l.status,
      coalesce(a.merged_into, a.id) as person_a, coalesce(b.merged_into, b.id) as person_b,
      (a.erased_at is not null or b.erased_at is not null) as erased
    from soft_links l join persons a on a.id = l.person_a join persons b on b.id = l.person_b
    where l.id = ${input.linkId}
    for update of l`.execute(trx);
  const link = rows[0];
  if (!link || (input.siteId !== undefined && link.site_id !== input.siteId)) {
    throw new NotFoundError(`soft link ${input.linkId} not found`);
  }
  if (link.status !== 'open') throw new ConflictError(`soft link ${input.linkId} is already ${link.status}`);
  if (link.erased) throw new ConflictError(`soft link ${input.linkId} joins an erased person`);

  const decided = { decidedBy: input.decidedBy, decidedAt: now.toISOString() };
  await gatherPair(trx, link.id, link.site_id, link.person_a, link.person_b);
  if (input.decision === 'reject') {
    await setStatus(trx, link.id, 'rejected', decided);
    return { id: Number(link.id), status: 'rejected', ...decided };
  }
  if (link.person_a === link.person_b) {
    await setStatus(trx, link.id, 'accepted', decided);
    return { id: Number(link.id), status: 'accepted', personId: link.person_a, ...decided };
  }

  const scope = { organizationId: link.organization_id, siteId: link.site_id };
  const a = await leadingIdentifier(trx, link.site_id, link.person_a, rules);
  const b = await leadingIdentifier(trx, link.site_id, link.person_b, rules);
  const held = new Set([...[a, b].map((i) => identifierLockKey(link.site_id, i.type, i.value)), ...hint]);
  await lockKeys(trx, held);
  const ids = [a.id, b.id].sort((x, y) => x - y);
  const known = await findLink(trx, link.site_id, ids);
  const manual = known ?? (await insertLink(trx, scope, ids, now, `${MANUAL_REVIEW_EVENT_PREFIX}${link.id}`));
  const limit = rules.regionCap * 2 + 40;
  const region = await lockRegion(trx, link.site_id, ids, held, limit);
  if (region.length >= limit) throw new StorageError(`identity region exceeds ${limit} identifiers`);
  const changes = await rewriteRegion(
    trx,
    scope,
    region,
    await linksTouching(
      trx,
      region.map((r) => r.id),
    ),
    rules,
    encryptionKey,
  );
  const into = changes.personOf.get(a.id);
  if (into === undefined || into !== changes.personOf.get(b.id)) {
    const { rows: refused } = await raw<{ reason: string }>`
      select reason from identity_conflicts where link_id = ${manual.id} order by id limit 1`.execute(trx);
    // Thrown inside the transaction: the link and the re-stitching roll back with it.
    throw new ConflictError(
      `the stitching rules refuse to merge these persons (${refused[0]?.reason ?? 'refused'}); the soft link stays open`,
    );
  }
  await setStatus(trx, link.id, 'accepted', decided);
  return { id: Number(link.id), status: 'accepted', personId: into, ...decided };
}

/**
 * The other open links between the two persons as they are now (stored under their ids or those of
 * persons merged into them) give their evidence to `id` and are deleted: the reviewer decided on
 * the pair, with all of its evidence before them.
 */
async function gatherPair(trx: Kysely<Database>, id: number, siteId: string, a: string, b: string): Promise<void> {
  const { rows } = await raw<{ id: number }>`
    with aliases as (
      select id from persons where id in (${a}::uuid, ${b}::uuid)
      union select id from persons where merged_into in (${a}::uuid, ${b}::uuid)
    )
    select l.id from soft_links l join persons pa on pa.id = l.person_a join persons pb on pb.id = l.person_b
    where l.person_a in (select id from aliases) and l.site_id = ${siteId}::uuid and l.status = 'open'
      and l.id <> ${id}
      and least(coalesce(pa.merged_into, pa.id), coalesce(pb.merged_into, pb.id)) = least(${a}::uuid, ${b}::uuid)
      and greatest(coalesce(pa.merged_into, pa.id), coalesce(pb.merged_into, pb.id)) = greatest(${a}::uuid, ${b}::uuid)
    order by l.id
    for update of l`.execute(trx);
  if (rows.length === 0) return;
  const others = rows.map((r) => Number(r.id));
  await raw`
    insert into soft_link_evidence (organization_id, site_id, link_id, kind, window_start, first_seen_at, last_seen_at)
    select organization_id, site_id, ${id}, kind, window_start, min(first_seen_at), max(last_seen_at)
    from soft_link_evidence where link_id in ${bigintList(others)}
    group by organization_id, site_id, kind, window_start
    on conflict (link_id, kind, window_start) do update set
      first_seen_at = least(soft_link_evidence.first_seen_at, excluded.first_seen_at),
      last_seen_at = greatest(soft_link_evidence.last_seen_at, excluded.last_seen_at)`.execute(trx);
  await raw`delete from soft_links where id in ${bigintList(others)}`.execute(trx);
}

/** The person's identifier of highest priority on the site (lowest id among equals). */
async function leadingIdentifier(
  trx: Kysely<Database>,
  siteId: string,
  personId: string,
  rules: IdentityRules,
): Promise<{ id: number; type: IdentifierType; value: string }> {
  const { rows } = await raw<{ id: number; type: IdentifierType; value: string }>`
    select id, type, value from identifiers where site_id = ${siteId}::uuid and person_id = ${personId}::uuid`.execute(
    trx,
  );
  const [leading] = rows
    .map((r) => ({ ...r, id: Number(r.id) }))
    .sort((x, y) => priorityOf(rules, x.type) - priorityOf(rules, y.type) || x.id - y.id);
  if (!leading) throw new ConflictError(`person ${personId} has no identifier left to merge by`);
  return leading;
}

async function setStatus(
  trx: Kysely<Database>,
  id: number,
  status: 'accepted' | 'rejected',
  decided: { readonly decidedBy: string; readonly decidedAt: string },
): Promise<void> {
  await raw`update soft_links set status = ${status}, decided_by = ${decided.decidedBy},
    decided_at = ${decided.decidedAt}::timestamptz, updated_at = now() where id = ${id}`.execute(trx);
}
