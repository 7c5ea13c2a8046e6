/**
 * An online copy of the SQLite database (`npm run cli -- backup <file>`), through SQLite's backup
 * API, while Probity keeps running and writing: the copy is one consistent state of the database.
 * It is written beside its destination, checked with PRAGMA integrity_check, and only then given its
 * name, so a file at the destination is always a whole, checked backup.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { UserError } from '../engine/errors.js';

/**
 * Pages copied per step. In WAL mode the running Probity writes on while a step reads; a write by
 * another connection between steps restarts the copy, so steps are large (4 KiB pages: 40 MiB a step)
 * and a database of Probity's size is copied in one.
 */
export const BACKUP_PAGES_PER_STEP = 10_000;
/** How long the copy waits on a lock held by the running Probity. */
const BUSY_TIMEOUT_MS = 5_000;

export interface BackupOptions {
  pagesPerStep?: number;
  /** Called after each step (tests write to the database here). */
  onStep?: (remainingPages: number) => void;
}

export interface BackupResult {
  path: string;
  pages: number;
  bytes: number;
}

export async function backupSqlite(sourcePath: string, destination: string, options: BackupOptions = {}): Promise<BackupResult> {
  if (sourcePath === ':memory:' || !existsSync(sourcePath)) throw new UserError('cli.backup.no_database', { path: sourcePath });
  if (existsSync(destination)) throw new UserError('cli.backup.exists', { path: destination });
  const partial = `${destination}.partial`;
  rmSync(partial, { force: true });
  const source = new SqliteDatabase(sourcePath, { fileMustExist: true });
  let pages = 0;
  try {
    source.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const result = await source.backup(partial, {
      progress: ({ remainingPages }) => {
        options.onStep?.(remainingPages);
        return options.pagesPerStep ?? BACKUP_PAGES_PER_STEP;
      },
    });
    pages = result.totalPages;
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    source.close();
  }
  checkCopy(partial);
  renameSync(partial, destination);
  return { path: destination, pages, bytes: statSync(destination).size };
}

/** The copy stands alone (rollback journal, no -wal beside it) and passes SQLite's own check. */
function checkCopy(path: string): void {
  const copy = new SqliteDatabase(path, { fileMustExist: true });
  let problems: string[];
  try {
    copy.pragma('journal_mode = DELETE');
    problems = (copy.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  } finally {
    copy.close();
  }
  if (problems.length !== 1 || problems[0] !== 'ok') {
    rmSync(path, { force: true });
    throw new UserError('cli.backup.corrupt', { detail: problems.slice(0, 3).join('; ') });
  }
}
