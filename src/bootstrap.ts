/**
 * Everything the core needs, opened in order: database → migrations → content → calendar.
 * Shared by the bot (src/main.ts), the command line (src/cli.ts) and the tests.
 */
import type { Config } from './config.js';
import { createDb } from './db/createDb.js';
import { migrateToLatest } from './db/migrate.js';
import type { Services } from './engine/context.js';
import { syncQuestions } from './features/content/content.repository.js';
import { ContentError, loadContent } from './features/content/loader.js';
import type { Logger } from './log.js';
import { WorkingDayCalendar } from './scheduler/calendar.js';
import { systemClock, type Clock } from './time.js';

export interface OpenOptions {
  log: Logger;
  clock?: Clock;
  /** Directories to load content from; defaults to the configured ones. */
  contentDirs?: readonly string[];
}

export async function openServices(config: Config, options: OpenOptions): Promise<Services & { close(): Promise<void> }> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const loaded = loadContent(options.contentDirs ?? config.contentDirs);
  if (loaded.errors.length > 0) throw new ContentError(loaded.errors, config.locale);
  for (const w of loaded.warnings) log.debug({ file: w.file, item: w.item, code: w.code }, 'content warning');

  const db = createDb(config.database);
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) log.info({ applied }, 'database migrated');
    const synced = await syncQuestions(db, loaded.catalog.quiz, clock.now().toISOString());
    log.info({ ...synced, packs: loaded.catalog.packs.map((p) => p.id) }, 'content loaded');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const calendar = new WorkingDayCalendar(config.closures);
  return { db, clock, config, calendar, content: loaded.catalog, log, close: () => db.destroy() };
}
