import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A fresh, empty database on the run's real PostgreSQL server. Throws when no server is
 * available: PostgreSQL-backed tests must not pass by skipping.
 */
export async function createTestDatabase(): Promise<string> {
  const url = process.env.SIGHTLINE_TEST_DATABASE_URL;
  if (!url) {
    throw new Error(process.env.SIGHTLINE_TEST_POSTGRES_MISSING ?? 'SIGHTLINE_TEST_DATABASE_URL is not set');
  }
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}
