/**
 * The databases repository tests loop over: SQLite always, PostgreSQL where TEST_DATABASE_URL is
 * set. Each PostgreSQL use gets a fresh database of its own, so test files can run in parallel.
 * In CI a missing TEST_DATABASE_URL is an error, never a silent skip.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../../src/db/createDb.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'];

if (process.env['CI'] && !TEST_DATABASE_URL) {
  throw new Error('CI must set TEST_DATABASE_URL: the PostgreSQL tests may not be skipped in CI');
}

export interface TestDatabase {
  db: Db;
  url: string;
  destroy(): Promise<void>;
}

export type DialectName = 'sqlite' | 'postgres';
export const DIALECTS: DialectName[] = TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

const INSUFFICIENT_PRIVILEGE = '42501';
const DROP_ATTEMPTS = 20;

export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `probity_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        // An autovacuum worker may be in the database after a test wrote a lot: a role that is not a
        // superuser (CI's) cannot terminate it, so the drop waits for it to finish and tries again.
        for (let attempt = 1; ; attempt++) {
          try {
            await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            return;
          } catch (error) {
            if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE || attempt >= DROP_ATTEMPTS) throw error;
            await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
          }
        }
      } finally {
        await client.end();
      }
    },
  };
}

/** A fresh, empty database of the dialect; `migrate` applies the migrations. */
export async function openTestDatabase(dialect: DialectName, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let db: Db;
  let url: string;
  let drop = async () => {};
  if (dialect === 'sqlite') {
    url = 'sqlite::memory:';
    db = createDb({ dialect: 'sqlite', path: ':memory:' });
  } else {
    const created = await createPostgresDatabase();
    url = created.url;
    drop = created.drop;
    db = createDb({ dialect: 'postgres', url });
  }
  if (options.migrate !== false) await migrateToLatest(db);
  return {
    db,
    url,
    async destroy() {
      await db.destroy();
      await drop();
    },
  };
}
