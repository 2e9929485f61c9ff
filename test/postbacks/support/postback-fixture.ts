import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createLocalKeyWrapper } from '../../../lambdas/adapters/local/local-key-wrapper';
import { createPGliteSql, createPostgresSql } from '../../../lambdas/adapters/sql/create-sql';
import { createSiteRegistry } from '../../../lambdas/collection/site-registry';
import { migrateToLatest } from '../../../lambdas/db/migrate';
import type { DataKeyWrapper } from '../../../lambdas/ports/key-wrapper';
import type { Sql } from '../../../lambdas/ports/sql';
import { createSite } from '../../../lambdas/sites/create-site';
import { memoryKeyValue } from '../../adapters/aws/support/memory-key-value';
import { createTestDatabase } from '../../support/postgres';
import { makeTempDir } from '../../support/temp-dir';
import { recordingStream } from './recording-stream';

/**
 * One migrated database (in-memory PGlite, or a fresh database on the run's PostgreSQL server), a
 * local key wrapper, an in-memory stream and key-value store.
 */
export async function openPostbackFixture(engine: 'pglite' | 'postgres' = 'pglite') {
  const sql: Sql =
    engine === 'pglite'
      ? await createPGliteSql()
      : createPostgresSql({ connectionString: await createTestDatabase(), maxConnections: 4 });
  await migrateToLatest(sql);
  const keys = makeTempDir('sightline-postback-keys-');
  const keyWrapper: DataKeyWrapper = createLocalKeyWrapper({ path: join(keys.dir, 'master.key') });
  const events = recordingStream();
  const keyValue = memoryKeyValue();
  const sites = createSiteRegistry(sql, { ttlMs: 0 });
  return {
    sql,
    keyWrapper,
    events,
    keyValue,
    sites,
    /** An organization with one site, as the bootstrap creates them. */
    async createTenant(settings: { honorGpc?: boolean } = {}) {
      const org = await sql.db
        .insertInto('organizations')
        .values({ name: `org-${randomBytes(3).toString('hex')}` })
        .returning('id')
        .executeTakeFirstOrThrow();
      const site = await createSite(sql, { organizationId: org.id, domain: 'shop.example.com', settings });
      return { organizationId: org.id, siteId: site.id, siteKey: site.siteKey };
    },
    async close() {
      await sql.close();
      keys.cleanup();
    },
  };
}

export type PostbackFixture = Awaited<ReturnType<typeof openPostbackFixture>>;
