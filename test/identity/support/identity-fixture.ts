import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createLocalKeyWrapper } from '../../../lambdas/adapters/local/local-key-wrapper';
import { createPGliteSql, createPostgresSql } from '../../../lambdas/adapters/sql/create-sql';
import { migrateToLatest } from '../../../lambdas/db/migrate';
import {
  createOrganizationKeyring,
  type OrganizationKeyring,
} from '../../../lambdas/identity/crypto/organization-keys';
import type { IdentifierInput } from '../../../lambdas/identity/identifier-types';
import type { IdentityObservation } from '../../../lambdas/identity/observation';
import type { Resolution, Resolver } from '../../../lambdas/identity/resolver';
import type { DataKeyWrapper } from '../../../lambdas/ports/key-wrapper';
import type { Sql } from '../../../lambdas/ports/sql';
import { createTestDatabase } from '../../support/postgres';
import { makeTempDir } from '../../support/temp-dir';

export type Engine = 'PGlite (embedded)' | 'PostgreSQL server';
export const ENGINES: readonly Engine[] = ['PGlite (embedded)', 'PostgreSQL server'];

/** A migrated database on `engine`; on the server, a fresh database (its URL returned for more pools). */
export async function openDatabase(engine: Engine): Promise<{ sql: Sql; url?: string }> {
  if (engine === 'PGlite (embedded)') {
    const sql = await createPGliteSql();
    await migrateToLatest(sql);
    return { sql };
  }
  const url = await createTestDatabase();
  const sql = createPostgresSql({ connectionString: url, maxConnections: 4 });
  await migrateToLatest(sql);
  return { sql, url };
}

/** An organization with one site (created as the migrating role, as the bootstrap does). */
export async function createTenant(
  sql: Sql,
  name = `org-${randomBytes(3).toString('hex')}`,
  ids: { organizationId?: string; siteId?: string } = {},
) {
  const organization = await sql.db
    .insertInto('organizations')
    .values({ name, ...(ids.organizationId ? { id: ids.organizationId } : {}) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const key = `${name}-${randomBytes(4).toString('hex')}`;
  const site = await sql.db
    .insertInto('sites')
    .values({
      ...(ids.siteId ? { id: ids.siteId } : {}),
      organization_id: organization.id,
      name: key,
      domain: `${key}.example`,
      site_key: key,
      write_key_hash: `hash-${key}`,
      allowed_origins: '[]',
      settings: '{}',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { organizationId: organization.id, siteId: site.id };
}

/** A keyring over a local master key in a temporary directory. */
export function createTestKeyring(sql: Sql): {
  keyring: OrganizationKeyring;
  wrapper: DataKeyWrapper;
  cleanup: () => void;
} {
  const temp = makeTempDir('sightline-keys-');
  const wrapper = createLocalKeyWrapper({ path: join(temp.dir, 'master.key') });
  return { keyring: createOrganizationKeyring(sql, wrapper), wrapper, cleanup: temp.cleanup };
}

let eventCounter = 0;

/** An observation with defaults: a fresh event id, observed now. */
export function observationOf(
  tenant: { organizationId: string; siteId: string },
  identifiers: readonly IdentifierInput[],
  extra: Partial<Omit<IdentityObservation, 'v' | 'identifiers' | 'organizationId' | 'siteId'>> = {},
): IdentityObservation {
  eventCounter++;
  return {
    v: 1,
    organizationId: tenant.organizationId,
    siteId: tenant.siteId,
    eventId: `evt-${eventCounter.toString().padStart(6, '0')}`,
    observedAt: Date.UTC(2026, 10, 1) + eventCounter * 1_000,
    identifiers,
    ...extra,
  };
}

/** The two ways the resolver takes observations, which tests run side by side. */
export type ResolvePath = 'one by one' | 'in a batch';

/**
 * Resolves `observations` in order through `resolve` (one transaction each) or in one
 * `resolveBatch`, and answers their resolutions; an observation that failed throws its error.
 *
 * @example
 * const [a, b] = await resolveEach(resolver, 'in a batch', [first, second]);
 */
export async function resolveEach(
  resolver: Resolver,
  path: ResolvePath,
  observations: readonly IdentityObservation[],
): Promise<Resolution[]> {
  if (path === 'one by one') {
    const resolutions: Resolution[] = [];
    for (const observation of observations) resolutions.push(await resolver.resolve(observation));
    return resolutions;
  }
  return (await resolver.resolveBatch(observations)).map((outcome) => {
    if (!outcome.ok) throw outcome.error;
    return outcome.resolution;
  });
}
