/** Admin commands: `npm run cli -- <command>`. Messages in PROBITY_LOCALE; exit 1 on any problem. */
import { readFileSync } from 'node:fs';
import { loadConfig, type Config } from './config.js';
import { createDb } from './db/createDb.js';
import { migrateToLatest } from './db/migrate.js';
import { ContentError, formatProblem, loadContent } from './features/content/loader.js';
import { importRoster } from './features/people/roster.import.js';
import { t } from './i18n/index.js';
import { localDay, systemClock } from './time.js';

type Out = (line: string) => void;

export interface CliIo {
  out: Out;
  err: Out;
}

const stdio: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
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

async function rosterImport(config: Config, args: string[], io: CliIo): Promise<number> {
  const path = args.find((a) => !a.startsWith('--'));
  const unknownFlags = args.filter((a) => a.startsWith('--') && a !== '--sync' && a !== '--skip-invalid');
  if (!path || unknownFlags.length > 0) {
    io.err(t(config.locale, 'cli.usage'));
    return 1;
  }
  let csv: string;
  try {
    csv = readFileSync(path, 'utf8');
  } catch {
    io.err(t(config.locale, 'cli.file_missing', { path }));
    return 1;
  }
  const now = systemClock.now();
  const started = performance.now();
  const result = await withDb(config, (db) =>
    importRoster(db, csv, {
      sync: args.includes('--sync'),
      skipInvalid: args.includes('--skip-invalid'),
      today: localDay(now, config.timezone),
      nowIso: now.toISOString(),
      actorLabel: 'cli',
    }),
  );
  const report = (p: (typeof result.problems)[number]) =>
    t(config.locale, 'roster.problem', { row: p.row, message: t(config.locale, p.code, p.params) });
  if (!result.imported) {
    for (const p of result.problems) io.err(report(p));
    io.err(t(config.locale, 'cli.roster.rejected', { count: result.problems.length }));
    return 1;
  }
  for (const p of result.problems) io.err(report(p));
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  io.out(t(config.locale, 'cli.roster.done', { ...result, imported: String(result.imported), problems: result.problems.length, seconds }));
  return 0;
}

function contentCheck(config: Config, args: string[], io: CliIo): number {
  const dirs = args.length > 0 ? args : config.contentDirs;
  const { catalog, errors, warnings } = loadContent(dirs);
  if (warnings.length > 0) {
    io.out(t(config.locale, 'cli.content.warnings', { count: warnings.length }));
    for (const w of warnings) io.out(`  ${formatProblem(w, config.locale)}`);
  }
  if (errors.length > 0) {
    io.err(new ContentError(errors, config.locale).message);
    return 1;
  }
  io.out(
    t(config.locale, 'cli.content.ok', {
      packs: catalog.packs.length,
      quiz: catalog.quiz.length,
      nudges: catalog.nudges.length,
      pledges: catalog.pledges.length,
    }),
  );
  return 0;
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
    case undefined:
    case 'help':
    case '--help':
      io.out(t(config.locale, 'cli.usage'));
      return command === undefined ? 1 : 0;
  }
  io.err(t(config.locale, 'cli.unknown_command', { command: [command, sub].filter(Boolean).join(' ') }));
  io.err(t(config.locale, 'cli.usage'));
  return 1;
}
