import { z } from 'zod';
import { erasePerson } from '../../identity/erase-person';
import { exportLakeEvents, exportPerson } from '../../identity/export-person';
import { reviewSoftLink } from '../../identity/soft-link-review';
import type { ApiDeps } from '../api-deps';
import { type ApiRoute, defineRoute } from '../http/api-route';
import { siteParams } from '../http/common-schemas';
import { assertSiteAccess } from '../sites/site-access';
import { listCompanies, loadCompany } from './company-list';
import { personDetail } from './person-detail';
import { companyListQuery, personListQuery, softLinkDecisionBody, softLinkListQuery } from './person-inputs';
import { listPersons } from './person-list';
import { erasureReportSchema, lakeEventPageSchema, personExportSchema } from './person-rights-schemas';
import { softLinkPage, softLinkPageSchema, softLinkReviewSchema } from './soft-link-list';

/** `{personId}` in a path. */
const lakeEventsQuery = z.object({ after: z.string().min(1).max(1_024).optional() }).strict();

const personParams = z.object({
  personId: z.uuid().describe('the person (a merged id leads to the person it was merged into)'),
});

/**
 * Visitors (identified persons) and companies: personal data, so analysts and up only. Erasing a
 * person and exporting everything held on them (GDPR erasure and access) are admin acts: the export
 * is a bulk of decrypted PII (raw events included) that the person page, bounded, does not show.
 */
export function personRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/sites/{siteId}/persons',
      access: 'analyst',
      tag: 'Visitors',
      summary: "A page of the site's persons, searchable by e-mail, user id or external id",
      params: siteParams,
      query: personListQuery,
      response: { description: 'Persons, most recently first seen first' },
      async handle({ principal, params, query }) {
        await assertSiteAccess(deps.sql, principal, params.siteId);
        return {
          body: await listPersons(deps, {
            organizationId: principal.organizationId,
            siteId: params.siteId,
            identified: query.identified,
            limit: query.limit,
            offset: query.offset,
            ...(query.q ? { q: query.q } : {}),
            ...(query.companyId ? { companyId: query.companyId } : {}),
          }),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/persons/{personId}',
      access: 'analyst',
      tag: 'Visitors',
      summary: "A person's identities, traits, companies, merge history, sessions and events",
      params: personParams,
      response: { description: 'The person (a merged id leads to the person it was merged into)' },
      async handle({ principal, params }) {
        return { body: await personDetail(deps, principal.organizationId, params.personId) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/persons/{personId}',
      access: 'admin',
      tag: 'Visitors',
      summary: 'Erase a person (right to erasure), as `sightline persons erase` does',
      description:
        'Deletes the identifiers, links, traits, company links, soft signals and soft links, raw events, slim events and sessions of ' +
        'the person and every person merged into them, deletes their PII keys (crypto-shredding every ' +
        'ciphertext made with them once the database backups taken before the erasure have expired), and leaves tombstones: the person is then not found ' +
        'and not listed, and the export says erased. A merged id erases the person it was merged into. ' +
        'Erasing again changes nothing and answers `alreadyErased: true`.',
      params: personParams,
      response: { description: 'What was erased', schema: erasureReportSchema },
      async handle({ principal, params }) {
        return {
          body: await erasePerson(deps, { organizationId: principal.organizationId, personId: params.personId }),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/persons/{personId}/export',
      access: 'admin',
      tag: 'Visitors',
      summary: 'Everything held on a person (right of access), as `sightline persons export` prints it',
      description:
        'The profile (identifiers and traits decrypted, companies, merges, conflicts), every session and ' +
        'event of the person and of those merged into them, their raw events decrypted, and their soft ' +
        'links. A merged id leads to the person it was merged into; an erased person yields only the ' +
        'tombstone (`erased: true`).',
      params: personParams,
      response: { description: 'The export, or the tombstone', schema: personExportSchema },
      async handle({ principal, params }) {
        return {
          body: await exportPerson(
            deps,
            {
              organizationId: principal.organizationId,
              personId: params.personId,
              ...(deps.now ? { now: new Date(deps.now()) } : {}),
            },
            { analytics: deps.analytics, analyticsDatabase: deps.analyticsDatabase },
          ),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/persons/{personId}/lake-events',
      access: 'admin',
      tag: 'Visitors',
      summary: "The next page of the lake's events held on a person (right of access)",
      description:
        'Pages after the first, which the export carries: pass the previous page’s `next` as `after`. ' +
        'An erased person has none.',
      params: personParams,
      query: lakeEventsQuery,
      response: { description: 'A page of lake events', schema: lakeEventPageSchema },
      async handle({ principal, params, query }) {
        return {
          body: await exportLakeEvents(
            deps,
            { analytics: deps.analytics, analyticsDatabase: deps.analyticsDatabase },
            {
              organizationId: principal.organizationId,
              personId: params.personId,
              ...(query.after !== undefined ? { after: query.after } : {}),
            },
          ),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/sites/{siteId}/companies',
      access: 'analyst',
      tag: 'Visitors',
      summary: "A page of the companies the site's persons belong to",
      params: siteParams,
      query: companyListQuery,
      response: { description: 'Companies with most persons first' },
      async handle({ principal, params, query }) {
        await assertSiteAccess(deps.sql, principal, params.siteId);
        return {
          body: await listCompanies(deps.sql, {
            organizationId: principal.organizationId,
            siteId: params.siteId,
            limit: query.limit,
            offset: query.offset,
            ...(query.q ? { q: query.q } : {}),
          }),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/sites/{siteId}/companies/{companyId}',
      access: 'analyst',
      tag: 'Visitors',
      summary: 'A company and a page of its persons on the site',
      params: siteParams.extend({ companyId: z.uuid() }),
      query: z.object({ limit: personListQuery.shape.limit, offset: personListQuery.shape.offset }).strict(),
      response: { description: 'The company and its persons' },
      async handle({ principal, params, query }) {
        await assertSiteAccess(deps.sql, principal, params.siteId);
        const company = await loadCompany(deps.sql, principal.organizationId, params.companyId);
        const persons = await listPersons(deps, {
          organizationId: principal.organizationId,
          siteId: params.siteId,
          companyId: params.companyId,
          identified: false,
          limit: query.limit,
          offset: query.offset,
        });
        return { body: { company, persons } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/sites/{siteId}/soft-links',
      access: 'analyst',
      tag: 'Visitors',
      summary: 'Soft links: pairs of persons that weak signals (same inbox, same network and browser) say may be one',
      params: siteParams,
      description:
        'A page of soft links, best score first, one per pair of persons as they are now (after merges) with ' +
        'all of its evidence, and those persons as the visitors list shows them in `persons`. An open link ' +
        'between the persons of a rejected one is not listed. Decided ones say who decided and when.',
      query: softLinkListQuery,
      response: { description: 'Soft links, best score first, and their persons', schema: softLinkPageSchema },
      async handle({ principal, params, query }) {
        await assertSiteAccess(deps.sql, principal, params.siteId);
        return {
          body: await softLinkPage(deps, {
            organizationId: principal.organizationId,
            siteId: params.siteId,
            status: query.status,
            limit: query.limit,
            offset: query.offset,
            ...(query.personId ? { personId: query.personId } : {}),
          }),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/sites/{siteId}/soft-links/{linkId}',
      access: 'analyst',
      tag: 'Visitors',
      summary: 'Accept (merge) or reject an open soft link',
      description:
        'Accept merges the two persons through the stitching rules, audited as rule `manual_review`; ' +
        'a merge they refuse (two user ids, say) is a 409 and changes nothing. Reject closes the link ' +
        'and the pair is not proposed again. The decision is recorded with the e-mail of the member who made it.',
      params: siteParams.extend({ linkId: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
      body: softLinkDecisionBody,
      response: {
        description: 'The link as decided, with the person both are when accepted',
        schema: softLinkReviewSchema,
      },
      async handle({ principal, params, body }) {
        await assertSiteAccess(deps.sql, principal, params.siteId);
        return {
          body: await reviewSoftLink(
            { sql: deps.sql, keyring: deps.keyring },
            {
              organizationId: principal.organizationId,
              siteId: params.siteId,
              linkId: params.linkId,
              decision: body.decision,
              decidedBy: principal.email,
            },
          ),
        };
      },
    }),
  ];
}
