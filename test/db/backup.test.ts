/** Online SQLite backups: a consistent, checked copy while the database is being written. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { backupSqlite } from '../../src/db/backup.js';
import { createDb, type Db } from '../../src/db/createDb.js';
import { migrateToLatest, pendingMigrations } from '../../src/db/migrate.js';
import { UserError } from '../../src/engine/errors.js';
import { query, run, tempDir } from '../e2e/support.js';

/** Each test starts child processes, which take seconds on a loaded machine. */
const CHILD_PROCESS_TIMEOUT_MS = 60_000;
/** Enough rows that the copy takes many one-page steps. */
const FILLER_ROWS = 400;
const WRITES_DURING_BACKUP = 5;

const opened: Db[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.destroy();
});

/** A Probity database as the bot keeps it (WAL mode), migrated, with some bulk in it. */
async function probityDatabase(path: string): Promise<Db> {
  const db = createDb({ dialect: 'sqlite', path });
  opened.push(db);
  await migrateToLatest(db);
  await sql`CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`.execute(db);
  for (let i = 0; i < FILLER_ROWS; i++) await sql`INSERT INTO filler (body) VALUES (${'청렴'.repeat(500)})`.execute(db);
  return db;
}

function integrity(path: string): string[] {
  return query<{ integrity_check: string }>(path, 'PRAGMA integrity_check').map((r) => r.integrity_check);
}

describe('backupSqlite', () => {
  it('GIVEN another connection writing between the steps of a backup THEN the copy opens, passes integrity_check, is current, and holds every write', async () => {
    const dir = tempDir();
    const source = join(dir, 'probity.sqlite');
    await probityDatabase(source);
    const writer = new SqliteDatabase(source);
    writer.pragma('busy_timeout = 5000');
    let writes = 0;
    let steps = 0;
    const copy = await backupSqlite(source, join(dir, 'copy.sqlite'), {
      pagesPerStep: 1,
      onStep: () => {
        steps += 1;
        if (writes < WRITES_DURING_BACKUP && steps % 3 === 0) {
          writer.prepare('INSERT INTO filler (body) VALUES (?)').run(`written during the backup ${writes}`);
          writes += 1;
        }
      },
    });
    writer.close();
    expect(writes).toBe(WRITES_DURING_BACKUP);
    expect(steps).toBeGreaterThan(copy.pages);

    expect(integrity(copy.path)).toEqual(['ok']);
    expect(query<{ n: number }>(copy.path, 'SELECT count(*) AS n FROM filler')[0]!.n).toBe(FILLER_ROWS + WRITES_DURING_BACKUP);
    // One file, no WAL beside it: a restore is a copy of that file.
    expect(query<{ journal_mode: string }>(copy.path, 'PRAGMA journal_mode')[0]!.journal_mode).toBe('delete');
    expect(existsSync(`${copy.path}.partial`)).toBe(false);
    const restored = createDb({ dialect: 'sqlite', path: copy.path });
    opened.push(restored);
    expect(await pendingMigrations(restored)).toEqual([]);
  });

  it('GIVEN the destination exists or the database does not THEN it refuses and changes nothing', async () => {
    const dir = tempDir();
    const source = join(dir, 'probity.sqlite');
    await probityDatabase(source);
    const first = await backupSqlite(source, join(dir, 'copy.sqlite'));
    const again = await backupSqlite(source, first.path).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(UserError);
    expect((again as UserError).code).toBe('cli.backup.exists');
    expect(integrity(first.path)).toEqual(['ok']);
    const none = await backupSqlite(join(dir, 'missing.sqlite'), join(dir, 'other.sqlite')).catch((e: unknown) => e);
    expect((none as UserError).code).toBe('cli.backup.no_database');
    expect(existsSync(join(dir, 'missing.sqlite'))).toBe(false);
  });
});

describe('npm run cli -- backup', () => {
  it('GIVEN Probity writing to its database WHEN the operator runs backup THEN a checked copy is written; run again it refuses to overwrite', async () => {
    const dir = tempDir();
    const source = join(dir, 'probity.sqlite');
    const db = await probityDatabase(source);
    // The running bot, writing all through the backup.
    let writing = true;
    const written = (async () => {
      let n = 0;
      while (writing) {
        await sql`INSERT INTO filler (body) VALUES (${`live ${n++}`})`.execute(db);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return n;
    })();
    const dest = join(dir, 'backup.sqlite');
    const env = { DATABASE_URL: `sqlite:${source}`, PROBITY_LOCALE: 'en' };
    const result = await run('cli', ['backup', dest], { env });
    writing = false;
    expect(await written).toBeGreaterThan(0);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Backup written: .*backup\.sqlite \(\d+ pages, integrity check passed/);
    expect(integrity(dest)).toEqual(['ok']);
    expect(query<{ n: number }>(dest, 'SELECT count(*) AS n FROM filler')[0]!.n).toBeGreaterThanOrEqual(FILLER_ROWS);

    const again = await run('cli', ['backup', dest], { env: { ...env, PROBITY_LOCALE: 'ko' } });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('파일이 이미 있습니다');
  }, CHILD_PROCESS_TIMEOUT_MS);

  it('GIVEN PostgreSQL or no file name THEN it explains (pg_dump; usage) and exits 1', async () => {
    const postgres = await run('cli', ['backup', join(tempDir(), 'x.sqlite')], { env: { DATABASE_URL: 'postgres://probity@127.0.0.1:1/probity', PROBITY_LOCALE: 'en' } });
    expect(postgres.code).toBe(1);
    expect(postgres.stderr).toContain('pg_dump');
    const usage = await run('cli', ['backup'], { env: { DATABASE_URL: `sqlite:${join(tempDir(), 'p.sqlite')}`, PROBITY_LOCALE: 'en' } });
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('backup <file>');
  }, CHILD_PROCESS_TIMEOUT_MS);
});
