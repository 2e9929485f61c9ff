import { sql as raw } from 'kysely';
import { z } from 'zod';
import { withOrganization } from '../../db/tenant';
import { listSoftLinks, type SoftLinkView } from '../../identity/soft-link-listing';
import { uuidAny } from '../../identity/sql-values';
import type { ApiDeps } from '../api-deps';
import { type PersonSummary, personSummaries } from './person-summaries';

export interface SoftLinkListRequest {
  readonly organizationId: string;
  readonly siteId: string;
  readonly status: 'open' | 'accepted' | 'rejected';
  readonly personId?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface SoftLinkPage {
  readonly links: readonly SoftLinkView[];
  /** The persons of the listed links by id, as the visitors list shows them (a person merged or erased since is absent). */
  readonly persons: Readonly<Record<string, PersonSummary>>;
  readonly limit: number;
  readonly offset: number;
  readonly hasMore: boolean;
}

const personSummarySchema = z.object({
  id: z.uuid(),
  siteId: z.uuid(),
  displayName: z.string().nullable().describe('the first e-mail, else user id, else external id, else phone'),
  email: z.string().nullable(),
  userId: z.string().nullable(),
  traits: z.record(z.string(), z.unknown()),
  companies: z.array(z.object({ id: z.uuid(), domain: z.string().nullable(), name: z.string().nullable() })),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime().nullable(),
  sessions: z.number().int(),
});

/** The answer of `GET /api/sites/{siteId}/soft-links`, for the OpenAPI description. */
export const softLinkPageSchema = z.object({
  links: z.array(
    z.object({
      id: z.number().int(),
      siteId: z.uuid(),
      personA: z.uuid().describe('one person as they are now (after merges)'),
      personB: z.uuid(),
      score: z.number().min(0).lt(1).describe("the pair's evidence combined (noisy-OR); never 1"),
      evidence: z
        .array(
          z.object({
            kind: z.enum(['email_variant', 'ip_user_agent']),
            windows: z.number().int().describe('the 30-minute windows the two were seen together in (1 for e-mail)'),
            firstSeenAt: z.iso.datetime(),
            lastSeenAt: z.iso.datetime(),
          }),
        )
        .describe('one entry per kind of signal, strongest first; never the IP, user agent or e-mail'),
      status: z.enum(['open', 'accepted', 'rejected']),
      createdAt: z.iso.datetime(),
      decidedBy: z.string().nullable().describe('who accepted or rejected it; null while open'),
      decidedAt: z.iso.datetime().nullable(),
    }),
  ),
  persons: z.record(z.uuid(), personSummarySchema).describe('the persons of the listed links, by id'),
  limit: z.number().int(),
  offset: z.number().int(),
  hasMore: z.boolean(),
});

/** The answer of `POST /api/sites/{siteId}/soft-links/{linkId}`. */
export const softLinkReviewSchema = z.object({
  id: z.number().int(),
  status: z.enum(['accepted', 'rejected']),
  personId: z.uuid().optional().describe('the person both are now, when accepted'),
  decidedBy: z.string().describe('the e-mail of the member who decided'),
  decidedAt: z.iso.datetime(),
});

/**
 * A page of a site's soft links for review, best first (one per pair), with the two persons of each as the visitors
 * list shows them (PII decrypted), so a reviewer sees who they are deciding on.
 *
 * @example
 * const page = await softLinkPage(deps, { organizationId, siteId, status: 'open', limit: 25, offset: 0 });
 */
export async function softLinkPage(
  deps: Pick<ApiDeps, 'sql' | 'keyring'>,
  request: SoftLinkListRequest,
): Promise<SoftLinkPage> {
  const { links, hasMore } = await listSoftLinks(deps.sql, request);
  const ids = [...new Set(links.flatMap((l) => [l.personA, l.personB]))];
  const page = { links, limit: request.limit, offset: request.offset, hasMore };
  if (ids.length === 0) return { ...page, persons: {} };
  const keys = await deps.keyring.keysFor(request.organizationId);
  const summaries = await withOrganization(deps.sql, request.organizationId, async (trx) => {
    // Sessions of each person and of everyone merged into them, in one statement.
    const { rows } = await raw<{ id: string; last_seen_at: Date | null; sessions: number | string }>`
      select coalesce(p.merged_into, p.id) as id, max(s.last_event_at) as last_seen_at, count(s.session_id) as sessions
      from persons p left join sessions s on s.person_id = p.id
      where p.id = ${uuidAny(ids)} or p.merged_into = ${uuidAny(ids)}
      group by 1`.execute(trx);
    const activity = new Map(rows.map((r) => [r.id, r]));
    return personSummaries(
      trx,
      keys,
      request.organizationId,
      ids.map((id) => ({
        id,
        lastSeenAt: activity.get(id)?.last_seen_at ?? null,
        sessions: Number(activity.get(id)?.sessions ?? 0),
      })),
    );
  });
  return { ...page, persons: Object.fromEntries(summaries.map((s) => [s.id, s])) };
}
