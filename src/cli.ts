/** Admin commands: `npm run cli -- <command>`. Messages in PROBITY_LOCALE; exit 1 on any problem. */
import { createInterface } from 'node:readline/promises';
import { openServices } from './bootstrap.js';
import { UserError } from './engine/errors.js';
import { recordAudit } from './features/people/people.repository.js';
import { annualReport } from './features/stats/annual.js';
import { buildExport, EXPORT_KINDS, exportBase, isExportKind, type StatsSource } from './features/stats/exports.js';
import { parsePeriod } from './features/stats/metrics.js';
import { silentLogger } from './log.js';
import { DEFAULT_EXPORT_DIR, saveAttachment } from './exports.js';
import { loadConfig, type Config } from './config.js';
import { backupSqlite } from './db/backup.js';
import { createDb } from './db/createDb.js';
import { migrateToLatest } from './db/migrate.js';
import { ContentError, formatProblem, loadContent } from './features/content/loader.js';
import { importRoster, type RosterPreview } from './features/people/roster.import.js';
import { readRosterFile, RosterFileError, type RosterFile } from './features/people/rosterFile.js';
import { offerWelcomePledge } from './features/pledges/welcome.js';
import { syncPledges } from './features/pledges/pledges.repository.js';
import { effectCli } from './features/holdout/holdout.report.js';
import { t, translator } from './i18n/index.js';
import { isYes } from './i18n/locales.js';
import { localDay, systemClock } from './time.js';
import { evidenceCommand, trainingCommand } from './cli.training.js';
import { buildPlanReport, planCli } from './features/plan/plan.commands.js';

type Out = (line: string) => void;

export interface CliIo {
  out: Out;
  err: Out;
  /** Asks the operator a question and returns the answer; absent when nobody can answer (no TTY). */
  ask?: (question: string) => Promise<string | undefined>;
}

async function askTerminal(question: string): Promise<string | undefined> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await prompt.question(question);
  } finally {
    prompt.close();
  }
}

const stdio: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  ...(process.stdin.isTTY ? { ask: askTerminal } : {}),
};

async function withDb<T>(config: Config, work: (db: ReturnType<typeof createDb>) => Promise<T>): Promise<T> {
  const db = createDb(config.database);
  try {
    await migrateToLatest(db);
    return await work(db);
  } finally {
    await db.destroy();
  }
}

async function migrate(config: Config, io: CliIo): Promise<number> {
  const db = createDb(config.database);
  try {
    const applied = await migrateToLatest(db);
    io.out(t(config.locale, 'cli.migrated', { applied: applied.length > 0 ? applied.join(', ') : t(config.locale, 'cli.migrated_none') }));
    return 0;
  } finally {
    await db.destroy();
  }
}

/**
 * More new members than this in one import (after the first one, which sends no welcome) asks first:
 * each of them is sent the welcome pledge, and a wrong file would swell every participation denominator.
 */
export const NEW_MEMBERS_CONFIRMATION_THRESHOLD = 200;

const ROSTER_FLAGS = ['--sync', '--skip-invalid', '--dry-run', '--yes'];

async function rosterImport(config: Config, args: string[], io: CliIo): Promise<number> {
  const path = args.find((a) => !a.startsWith('--'));
  const unknownFlags = args.filter((a) => a.startsWith('--') && !ROSTER_FLAGS.includes(a));
  if (!path || unknownFlags.length > 0) {
    io.err(t(config.locale, 'cli.usage'));
    return 1;
  }
  const started = performance.now();
  let file: RosterFile;
  try {
    file = await readRosterFile(path);
  } catch (error) {
    if (!(error instanceof RosterFileError)) throw error;
    io.err(t(config.locale, error.code, { path: error.path }));
    return 1;
  }
  if (file.encoding === 'cp949') io.out(t(config.locale, 'cli.roster.decoded_cp949', { path }));
  const now = systemClock.now();
  // Content is read only when someone is to be welcomed: most imports (the first one among them) need none.
  let loaded: ReturnType<typeof loadContent> | undefined;
  const content = () => (loaded ??= loadContent(config.contentDirs));
  // New hires get the all-staff pledge; the first import of an installation is not a wave of hires.
  const welcomes = (preview: RosterPreview) =>
    preview.firstImport || preview.added === 0 || !content().catalog.pledges.some((p) => p.audience === 'all') ? 0 : preview.added;
  let refusedOver = false;
  const confirm = async (preview: RosterPreview): Promise<boolean> => {
    if (preview.firstImport || preview.added <= NEW_MEMBERS_CONFIRMATION_THRESHOLD || args.includes('--yes')) return true;
    const params = { added: preview.added, welcome: welcomes(preview), threshold: NEW_MEMBERS_CONFIRMATION_THRESHOLD };
    if (!io.ask) {
      refusedOver = true;
      io.err(t(config.locale, 'cli.roster.over_threshold', params));
      return false;
    }
    const answer = await io.ask(t(config.locale, 'cli.roster.confirm', params));
    return isYes(answer);
  };
  const result = await withDb(config, async (db) => {
    const imported = await importRoster(db, file.roster, {
      sync: args.includes('--sync'),
      skipInvalid: args.includes('--skip-invalid'),
      today: localDay(now, config.timezone),
      nowIso: now.toISOString(),
      actorLabel: 'cli',
      dryRun: args.includes('--dry-run'),
      confirm,
    });
    if (imported.imported && !imported.firstImport && imported.addedIds.length > 0) {
      if (content().errors.length === 0) await syncPledges(db, content().catalog.pledges, now.toISOString());
      await offerWelcomePledge(db, config, imported.addedIds, now);
    }
    return imported;
  });
  const report = (p: (typeof result.problems)[number]) =>
    t(config.locale, 'roster.problem', { row: p.row, message: t(config.locale, p.code, p.params) });
  for (const p of result.problems) io.err(report(p));
  const counts = { added: result.added, updated: result.updated, rejoined: result.rejoined, unchanged: result.unchanged, left: result.left, skipped: result.skipped };
  if (result.held === 'dry-run') {
    io.out(t(config.locale, 'cli.roster.dry_run', { ...counts, welcome: welcomes(result) }));
    return 0;
  }
  if (result.held === 'declined') {
    if (!refusedOver) io.err(t(config.locale, 'cli.roster.declined'));
    return 1;
  }
  if (!result.imported) {
    io.err(t(config.locale, 'cli.roster.rejected', { count: result.problems.length }));
    return 1;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  io.out(t(config.locale, 'cli.roster.done', { ...counts, seconds }));
  return 0;
}

/**
 * Real errors come first, then the points to verify (article numbers to re-check, which are many);
 * each list has its count line, and a failed check ends on both counts so neither scrolls away.
 */
function contentCheck(config: Config, args: string[], io: CliIo): number {
  const dirs = args.length > 0 ? args : config.contentDirs;
  const { catalog, errors, warnings } = loadContent(dirs);
  if (errors.length > 0) io.err(new ContentError(errors, config.locale).message);
  if (warnings.length > 0) {
    io.out(t(config.locale, 'cli.content.warnings', { count: warnings.length }));
    for (const w of warnings) io.out(`  ${formatProblem(w, config.locale)}`);
  }
  if (errors.length > 0) {
    io.err(t(config.locale, 'cli.content.failed', { errors: errors.length, warnings: warnings.length }));
    return 1;
  }
  io.out(
    t(config.locale, 'cli.content.ok', {
      packs: catalog.packs.length,
      quiz: catalog.quiz.length,
      nudges: catalog.nudges.length,
      pledges: catalog.pledges.length,
      pulses: catalog.pulses.length,
    }),
  );
  return 0;
}

/** "--name value" from the command line. */
function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The services as statistics read them, in the operator's language, today. */
async function withStats<T>(config: Config, work: (source: StatsSource) => Promise<T>): Promise<T> {
  const services = await openServices(config, { log: silentLogger });
  try {
    const now = services.clock.now();
    return await work({ ...services, t: translator(config.locale), locale: config.locale, today: localDay(now, config.timezone), nowIso: now.toISOString() });
  } finally {
    await services.close();
  }
}

/** Runs a command; a mistake of the user's (a bad period, say) is printed in their language: exit 1. */
async function reportingUserErrors(config: Config, io: CliIo, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    io.err(t(config.locale, error.code, error.params));
    return 1;
  }
}

/** export <participation|topics|pledges|announcements|pulses> [--period P] [--format csv|xlsx] [--out dir] */
async function exportCommand(config: Config, args: string[], io: CliIo): Promise<number> {
  const [kind] = args;
  const format = (flag(args, 'format') ?? 'csv').toLowerCase();
  if (!isExportKind(kind) || (format !== 'csv' && format !== 'xlsx')) {
    io.err(t(config.locale, 'export.error.usage', { kinds: EXPORT_KINDS.join('|') }));
    return 1;
  }
  return reportingUserErrors(config, io, async () => {
    const paths = await withStats(config, async (source) => {
      const period = parsePeriod(flag(args, 'period'), source.today);
      const file = await buildExport(kind, format, { ...exportBase(source), period });
      await recordAudit(source.db, { actorMemberId: null, actorLabel: 'cli', action: 'export', details: { kind, format, period: period.key, file: file.name }, nowIso: source.nowIso });
      return [await saveAttachment(flag(args, 'out') ?? DEFAULT_EXPORT_DIR, file)];
    });
    for (const path of paths) io.out(t(config.locale, 'console.file_saved', { path }));
    return 0;
  });
}

/** report annual <year> [--out dir] */
async function reportCommand(config: Config, args: string[], io: CliIo): Promise<number> {
  const year = args[0];
  if (!year || !/^\d{4}$/.test(year)) {
    io.err(t(config.locale, 'report.error.usage'));
    return 1;
  }
  return reportingUserErrors(config, io, async () => {
    const { paths, summary } = await withStats(config, async (source) => {
      const built = await annualReport(Number(year), exportBase(source));
      await recordAudit(source.db, { actorMemberId: null, actorLabel: 'cli', action: 'report.annual', details: { year: Number(year) }, nowIso: source.nowIso });
      const dir = flag(args, 'out') ?? DEFAULT_EXPORT_DIR;
      return { paths: [await saveAttachment(dir, built.xlsx), await saveAttachment(dir, built.markdown)], summary: built.summary };
    });
    io.out(summary);
    for (const path of paths) io.out(t(config.locale, 'console.file_saved', { path }));
    return 0;
  });
}

/** backup <file>: an online, checked copy of the SQLite database; PostgreSQL is backed up with pg_dump. */
async function backupCommand(config: Config, args: string[], io: CliIo): Promise<number> {
  const [destination, ...extra] = args;
  if (!destination || destination.startsWith('--') || extra.length > 0) {
    io.err(t(config.locale, 'cli.backup.usage'));
    return 1;
  }
  if (config.database.dialect !== 'sqlite') {
    io.err(t(config.locale, 'cli.backup.postgres'));
    return 1;
  }
  const { path } = config.database;
  return reportingUserErrors(config, io, async () => {
    const started = performance.now();
    const copy = await backupSqlite(path, destination);
    io.out(t(config.locale, 'cli.backup.done', { path: copy.path, pages: copy.pages, seconds: ((performance.now() - started) / 1000).toFixed(2) }));
    return 0;
  });
}

/** A command an adapter adds (e.g. "discord register"); composed in src/main.ts. */
export type CliExtension = (config: Config, args: string[], io: CliIo) => Promise<number>;

export async function runCli(argv: readonly string[], io: CliIo = stdio, env?: Record<string, string | undefined>, extensions: Readonly<Record<string, CliExtension>> = {}): Promise<number> {
  const config = loadConfig(env);
  const [command, sub, ...rest] = argv;
  const extension = extensions[`${command} ${sub}`];
  if (extension) return extension(config, rest, io);
  switch (command) {
    case 'migrate':
      return migrate(config, io);
    case 'roster':
      if (sub === 'import') return rosterImport(config, rest, io);
      break;
    case 'content':
      if (sub === 'check') return contentCheck(config, rest, io);
      break;
    case 'export':
      return exportCommand(config, [sub ?? '', ...rest], io);
    case 'report':
      if (sub === 'annual') return reportCommand(config, rest, io);
      if (sub === 'evidence') return reportingUserErrors(config, io, () => withStats(config, (source) => evidenceCommand(source, rest, io)));
      if (sub === 'plan') return reportingUserErrors(config, io, () => withStats(config, async (source) => {
        const built = await buildPlanReport(source, rest.find((a) => !a.startsWith('--') && a !== flag(rest, 'out')), { id: null, label: 'cli' });
        io.out(built.summary);
        for (const file of built.files) io.out(t(config.locale, 'console.file_saved', { path: await saveAttachment(flag(rest, 'out') ?? DEFAULT_EXPORT_DIR, file) }));
        return 0;
      }));
      if (sub === 'effect') return reportingUserErrors(config, io, async () => (io.out(await withStats(config, (source) => effectCli(source, rest[0]))), 0));
      break;
    case 'training':
      return reportingUserErrors(config, io, () => withStats(config, (source) => trainingCommand(source, sub, rest, io)));
    case 'plan':
      return reportingUserErrors(config, io, () => withStats(config, (source) => planCli(config, source.db, sub, rest[0], io, source.nowIso)));
    case 'backup':
      return backupCommand(config, [sub ?? '', ...rest].filter((a) => a !== ''), io);
    case undefined:
    case 'help':
    case '--help':
      io.out(t(config.locale, 'cli.usage'));
      io.out(t(config.locale, 'cli.backup.usage'));
      io.out(t(config.locale, 'training.cli.usage'));
      return command === undefined ? 1 : 0;
  }
  io.err(t(config.locale, 'cli.unknown_command', { command: [command, sub].filter(Boolean).join(' ') }));
  io.err(t(config.locale, 'cli.usage'));
  return 1;
}
