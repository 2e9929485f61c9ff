import { type MigrationResultSet, Migrator } from 'kysely';
import { StorageError } from '../core/errors';
import type { Sql } from '../ports/sql';
import { migrations } from './migrations';

/**
 * Brings the database to the latest migration. Safe to call on every start: applied
 * migrations are skipped, and concurrent callers are serialized by Kysely's migration lock.
 */
export async function migrateToLatest(sql: Sql): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: sql.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'sightline_migrations',
    migrationLockTableName: 'sightline_migrations_lock',
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StorageError(`migration ${failed} failed`, { cause: result.error });
  }
  return result;
}
