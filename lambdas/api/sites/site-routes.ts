import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hashWriteKey } from '../../collection/site-registry';
import { NotFoundError } from '../../core/errors';
import { withOrganization } from '../../db/tenant';
import type { Sql } from '../../ports/sql';
import { createSite } from '../../sites/create-site';
import type { ApiDeps } from '../api-deps';
import { type ApiRoute, defineRoute } from '../http/api-route';
import { siteParams } from '../http/common-schemas';
import { requestOrigin } from './request-origin';
import { createSiteBody, rotateKeyBody, updateSiteBody } from './site-inputs';
import { type SiteRow, siteColumns, siteSchema, siteView } from './site-view';
import { installSnippet } from './snippet';

/** The transaction as a `Sql`, for domain functions that take one (they then run under row-level security). */
const scoped = (sql: Sql, db: Parameters<Parameters<typeof withOrganization>[2]>[0]): Sql => ({
  engine: sql.engine,
  db,
  close: async () => undefined,
});

/** Sites: list, create (the write key is shown once), change, delete, rotate keys, snippet, installation status. */
export function siteRoutes(deps: ApiDeps): ApiRoute[] {
  const now = deps.now ?? Date.now;
  const loadSite = (organizationId: string, siteId: string) =>
    withOrganization(deps.sql, organizationId, async (trx) => {
      const row = await trx.selectFrom('sites').select(siteColumns).where('id', '=', siteId).executeTakeFirst();
      if (!row) throw new NotFoundError(`site ${siteId} not found`);
      return row as SiteRow;
    });

  return [
    defineRoute({
      method: 'GET',
      path: '/api/sites',
      access: 'viewer',
      tag: 'Sites',
      summary: "The organization's sites with their installation status",
      response: { description: 'Sites by name', schema: z.object({ sites: z.array(siteSchema) }) },
      async handle({ principal }) {
        const rows = await withOrganization(deps.sql, principal.organizationId, (trx) =>
          trx.selectFrom('sites').select(siteColumns).orderBy('name').orderBy('id').limit(500).execute(),
        );
        return { body: { sites: rows.map((row) => siteView(row as SiteRow, now())) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/sites',
      access: 'admin',
      tag: 'Sites',
      summary: 'Create a site; the answer holds its secret write key, shown this once',
      body: createSiteBody,
      response: {
        status: 201,
        description: 'The site, its write key and its snippet',
        schema: z.object({ site: siteSchema, writeKey: z.string(), snippet: z.string() }),
      },
      async handle({ principal, body, event }) {
        const created = await withOrganization(deps.sql, principal.organizationId, async (trx) => {
          const site = await createSite(scoped(deps.sql, trx), {
            organizationId: principal.organizationId,
            domain: body.domain,
            ...(body.name ? { name: body.name } : {}),
            ...(body.allowedOrigins ? { allowedOrigins: body.allowedOrigins } : {}),
          });
          const row = await trx
            .selectFrom('sites')
            .select(siteColumns)
            .where('id', '=', site.id)
            .executeTakeFirstOrThrow();
          return { site, row: row as SiteRow };
        });
        const scriptOrigin = deps.trackerOrigin ?? requestOrigin(event);
        return {
          status: 201,
          body: {
            site: siteView(created.row, now()),
            writeKey: created.site.writeKey,
            snippet: installSnippet({ scriptOrigin, siteKey: created.site.siteKey }),
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/sites/{siteId}',
      access: 'viewer',
      tag: 'Sites',
      summary: 'One site with its installation status',
      params: siteParams,
      response: { description: 'The site', schema: z.object({ site: siteSchema }) },
      async handle({ principal, params }) {
        return { body: { site: siteView(await loadSite(principal.organizationId, params.siteId), now()) } };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/sites/{siteId}',
      access: 'admin',
      tag: 'Sites',
      summary: 'Rename a site or change its allowed origins',
      params: siteParams,
      body: updateSiteBody,
      response: { description: 'The site as changed', schema: z.object({ site: siteSchema }) },
      async handle({ principal, params, body }) {
        const changes = {
          ...(body.name ? { name: body.name } : {}),
          ...(body.allowedOrigins ? { allowed_origins: JSON.stringify(body.allowedOrigins) } : {}),
        };
        const row = await withOrganization(deps.sql, principal.organizationId, async (trx) => {
          // Nothing to change (`{}`, as a merge patch may be): the site as it is, not an empty `set`.
          const changed =
            Object.keys(changes).length === 0
              ? await trx.selectFrom('sites').select(siteColumns).where('id', '=', params.siteId).executeTakeFirst()
              : await trx
                  .updateTable('sites')
                  .set(changes)
                  .where('id', '=', params.siteId)
                  .returning(siteColumns)
                  .executeTakeFirst();
          if (!changed) throw new NotFoundError(`site ${params.siteId} not found`);
          return changed as SiteRow;
        });
        return { body: { site: siteView(row, now()) } };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/sites/{siteId}',
      access: 'owner',
      tag: 'Sites',
      summary: 'Delete a site and the persons resolved for it (its lake files expire with the lake lifecycle)',
      params: siteParams,
      response: { status: 204, description: 'Deleted' },
      async handle({ principal, params }) {
        const deleted = await withOrganization(deps.sql, principal.organizationId, (trx) =>
          trx.deleteFrom('sites').where('id', '=', params.siteId).executeTakeFirst(),
        );
        if (Number(deleted.numDeletedRows) === 0) throw new NotFoundError(`site ${params.siteId} not found`);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/sites/{siteId}/keys/rotate',
      access: 'admin',
      tag: 'Sites',
      summary: 'Replace the write key (secret, shown once) or the site key (the snippet changes)',
      description:
        'The old key stops working once collectors drop it from their cache (seconds locally, a minute in AWS).',
      params: siteParams,
      body: rotateKeyBody,
      response: {
        description: 'The new key',
        schema: z.object({ site: siteSchema, writeKey: z.string().optional(), snippet: z.string() }),
      },
      async handle({ principal, params, body, event }) {
        const writeKey = body.key === 'write' ? `sk_${randomBytes(24).toString('base64url')}` : undefined;
        const row = await withOrganization(deps.sql, principal.organizationId, async (trx) => {
          const changed = await trx
            .updateTable('sites')
            .set(
              writeKey
                ? { write_key_hash: hashWriteKey(writeKey) }
                : { site_key: `pk_${randomBytes(12).toString('base64url')}` },
            )
            .where('id', '=', params.siteId)
            .returning(siteColumns)
            .executeTakeFirst();
          if (!changed) throw new NotFoundError(`site ${params.siteId} not found`);
          return changed as SiteRow;
        });
        return {
          body: {
            site: siteView(row, now()),
            ...(writeKey ? { writeKey } : {}),
            snippet: snippetOf(row, deps.trackerOrigin ?? requestOrigin(event)),
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/sites/{siteId}/snippet',
      access: 'viewer',
      tag: 'Sites',
      summary: 'The HTML to paste into the pages of the site',
      params: siteParams,
      response: {
        description: 'The snippet and the script URL it loads',
        schema: z.object({ snippet: z.string(), scriptUrl: z.string(), siteKey: z.string() }),
      },
      async handle({ principal, params, event }) {
        const row = await loadSite(principal.organizationId, params.siteId);
        const scriptOrigin = deps.trackerOrigin ?? requestOrigin(event);
        return {
          body: { snippet: snippetOf(row, scriptOrigin), scriptUrl: `${scriptOrigin}/s.js`, siteKey: row.site_key },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/sites/{siteId}/installation',
      access: 'viewer',
      tag: 'Sites',
      summary: 'Whether the site is sending events: the last one seen',
      params: siteParams,
      response: { description: '`waiting` (never), `receiving` (within 24 h) or `quiet`' },
      async handle({ principal, params }) {
        return { body: siteView(await loadSite(principal.organizationId, params.siteId), now()).installation };
      },
    }),
  ];
}

function snippetOf(row: SiteRow, scriptOrigin: string): string {
  return installSnippet({
    scriptOrigin,
    siteKey: row.site_key,
    ...(row.settings.consentDefault ? { consentDefault: row.settings.consentDefault } : {}),
  });
}
