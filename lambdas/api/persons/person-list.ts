import { sql as raw } from 'kysely';
import { ValidationError } from '../../core/errors';
import { withOrganization } from '../../db/tenant';
import { lookupPerson } from '../../identity/lookup-person';
import { aliasIdsOf } from '../../identity/person-aliases';
import type { ApiDeps } from '../api-deps';
import type { Page } from '../stats/lake-reader';
import { IDENTIFYING_TYPES, type PersonSummary, personSummaries } from './person-summaries';

export interface PersonListRequest {
  readonly organizationId: string;
  readonly siteId: string;
  readonly q?: string;
  readonly identified: boolean;
  readonly companyId?: string;
  readonly limit: number;
  readonly offset: number;
}

/** The listed person and everyone merged into them (each person of a page once read every session). */
const ALIASES = aliasIdsOf(raw.ref('p.id'));

/** Escapes `%`, `_` and `\` so a search term matches literally as a LIKE prefix. */
const likePrefix = (term: string): string => `${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The ids of the site's persons with this e-mail address. An address that cannot be looked up
 * (`x@`, a blocked one) is a fault of the search, so the error names `q`, not lookupPerson's `value`.
 */
async function personsByEmail(
  deps: Pick<ApiDeps, 'sql' | 'keyring'>,
  request: PersonListRequest,
  email: string,
): Promise<string[]> {
  try {
    const { persons } = await lookupPerson(deps, {
      organizationId: request.organizationId,
      siteId: request.siteId,
      type: 'email',
      value: email,
    });
    return persons.map((p) => p.id);
  } catch (error) {
    if (error instanceof ValidationError && error.field === 'value')
      throw new ValidationError(`q: ${error.message}`, 'q', { cause: error });
    throw error;
  }
}

/**
 * A page of a site's current persons, most recently first seen first. A search with `@` is an
 * exact e-mail lookup through its blind index (the address itself is never stored in the clear);
 * any other search matches the start of a user id or external id.
 *
 * @example
 * const page = await listPersons(deps, { organizationId, siteId, q: 'ada@example.com', identified: true, limit: 25, offset: 0 });
 */
export async function listPersons(
  deps: Pick<ApiDeps, 'sql' | 'keyring'>,
  request: PersonListRequest,
): Promise<Page<PersonSummary>> {
  const byEmail = request.q?.includes('@') ? await personsByEmail(deps, request, request.q) : undefined;
  if (byEmail && byEmail.length === 0)
    return { rows: [], limit: request.limit, offset: request.offset, hasMore: false };
  const keys = await deps.keyring.keysFor(request.organizationId);
  return withOrganization(deps.sql, request.organizationId, async (trx) => {
    let query = trx
      .selectFrom('persons as p')
      .select([
        'p.id',
        'p.first_seen_at',
        raw<Date | null>`(select max(s.last_event_at) from sessions s where s.person_id = any(${ALIASES}))`.as(
          'last_seen_at',
        ),
        raw<number>`(select count(*) from sessions s where s.person_id = any(${ALIASES}))`.as('sessions'),
      ])
      .where('p.site_id', '=', request.siteId)
      .where('p.merged_into', 'is', null)
      .where('p.erased_at', 'is', null);
    if (request.identified) {
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('identifiers as i')
            .select('i.id')
            .whereRef('i.person_id', '=', 'p.id')
            .where('i.type', 'in', [...IDENTIFYING_TYPES]),
        ),
      );
    }
    if (byEmail) query = query.where('p.id', 'in', byEmail);
    else if (request.q) {
      const term = request.q;
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('identifiers as i')
            .select('i.id')
            .whereRef('i.person_id', '=', 'p.id')
            .where('i.type', 'in', ['user_id', 'external_id'])
            .where(raw<boolean>`i.value like ${likePrefix(term)} escape '\\'`),
        ),
      );
    }
    if (request.companyId) {
      const companyId = request.companyId;
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('person_companies as pc')
            .select('pc.person_id')
            .whereRef('pc.person_id', '=', 'p.id')
            .where('pc.company_id', '=', companyId),
        ),
      );
    }
    const rows = await query
      .orderBy('p.first_seen_at', 'desc')
      .orderBy('p.id')
      .limit(request.limit + 1)
      .offset(request.offset)
      .execute();
    const listed = rows
      .slice(0, request.limit)
      .map((r) => ({ id: r.id, lastSeenAt: r.last_seen_at, sessions: Number(r.sessions) }));
    return {
      rows: await personSummaries(trx, keys, request.organizationId, listed),
      limit: request.limit,
      offset: request.offset,
      hasMore: rows.length > request.limit,
    };
  });
}
