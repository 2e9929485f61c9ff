import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../adapters/local/atomic-file';
import { migrateToLatest } from '../db/migrate';
import type { Sql } from '../ports/sql';
import { createSite } from '../sites/create-site';
import { hashPassword } from './passwords';

export interface LocalSetup {
  readonly organizationId: string;
  readonly adminEmail: string;
  /** Present in the file written on first start (mode 0600), so it can be printed again. */
  readonly adminPassword: string;
  readonly demoSite: {
    readonly id: string;
    readonly siteKey: string;
    readonly writeKey: string;
    readonly domain: string;
  };
}

/**
 * First start: migrate, then create an organization, an owner and a demo site, keeping what a
 * person needs to sign in in `adminFile` (mode 0600). Later starts only migrate and read it back.
 */
export async function bootstrapLocal(sql: Sql, adminFile: string): Promise<{ setup: LocalSetup; created: boolean }> {
  await migrateToLatest(sql);
  if (existsSync(adminFile)) {
    return { setup: JSON.parse(readFileSync(adminFile, 'utf8')) as LocalSetup, created: false };
  }
  const adminEmail = 'admin@sightline.local';
  const adminPassword = randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(adminPassword);
  const setup = await sql.db.transaction().execute(async (trx) => {
    const org = await trx
      .insertInto('organizations')
      .values({ name: 'My organization' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('users')
      .values({ organization_id: org.id, email: adminEmail, password_hash: passwordHash, role: 'owner' })
      .execute();
    const site = await createSite(
      { engine: 'pglite', db: trx, close: async () => undefined },
      { organizationId: org.id, domain: 'localhost', name: 'Demo site', allowedOrigins: ['127.0.0.1'] },
    );
    return {
      organizationId: org.id,
      adminEmail,
      adminPassword,
      demoSite: { id: site.id, siteKey: site.siteKey, writeKey: site.writeKey, domain: site.domain },
    };
  });
  writeFileAtomic(adminFile, JSON.stringify(setup, null, 2), 0o600);
  return { setup, created: true };
}
