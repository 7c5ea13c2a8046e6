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
import { syncPledges } from './features/pledges/pledges.repository.js';
import { syncPulses } from './features/pulse/pulse.repository.js';
import type { Logger } from './log.js';
import { WorkingDayCalendar } from './scheduler/calendar.js';
import { readSchedulesFile, ScheduleError } from './scheduler/schedules.js';
import { checkAudiences, syncSchedules } from './scheduler/schedules.repository.js';
import { syncScheduleCampaigns } from './features/holdout/holdout.schedules.js';
import { systemClock, type Clock } from './time.js';

export interface OpenOptions {
  log: Logger;
  clock?: Clock;
  /** Directories to load content from; defaults to the configured ones. */
  contentDirs?: readonly string[];
  /** Schedules file; defaults to the configured one. */
  schedulesFile?: string;
}

export async function openServices(config: Config, options: OpenOptions): Promise<Services & { close(): Promise<void> }> {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const loaded = loadContent(options.contentDirs ?? config.contentDirs);
  if (loaded.errors.length > 0) throw new ContentError(loaded.errors, config.locale);
  for (const w of loaded.warnings) log.debug({ file: w.file, item: w.item, code: w.code }, 'content warning');

  const schedules = readSchedulesFile(options.schedulesFile ?? config.schedulesFile, config.timezone);
  if (schedules.problems.length > 0) throw new ScheduleError(schedules.problems, config.locale);

  const db = createDb(config.database, (err) => log.warn({ err }, 'a database connection was lost while idle; it will be replaced'));
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) log.info({ applied }, 'database migrated');
    const nowIso = clock.now().toISOString();
    const synced = await syncQuestions(db, loaded.catalog.quiz, nowIso);
    const pledges = await syncPledges(db, loaded.catalog.pledges, nowIso);
    const pulses = await syncPulses(db, loaded.catalog.pulses, nowIso);
    log.info({ ...synced, pledges, pulses, packs: loaded.catalog.packs.map((p) => p.id) }, 'content loaded');
    const audienceProblems = await checkAudiences(db, schedules.schedules);
    if (audienceProblems.length > 0) throw new ScheduleError(audienceProblems, config.locale);
    // Campaigns first: a schedule saved without its holdout would reach everyone from a running instance.
    const campaignProblems = await syncScheduleCampaigns(db, schedules.schedules, loaded.catalog.topics, nowIso);
    if (campaignProblems.length > 0) throw new ScheduleError(campaignProblems, config.locale);
    await syncSchedules(db, schedules.schedules, nowIso);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const calendar = new WorkingDayCalendar(config.closures);
  return { db, clock, config, calendar, content: loaded.catalog, log, close: () => db.destroy() };
}
