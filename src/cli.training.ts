/**
 * The command line of the training ledger and the evidence pack (composed in src/cli.ts):
 *   training add --date YYYY-MM-DD --title T --kind face_to_face|online|elearning --minutes N <employee_no>…
 *   training import <file.csv>          (UTF-8, with or without BOM, or CP949/EUC-KR)
 *   training export <year> [--department path] [--out dir]  (the ledger workbook)
 *   training list [year] [--department path]; training remove --session <id> [employee_no…] [--yes]
 *   report evidence <year> [--out dir]  (one folder: see src/features/evidence/evidence.ts)
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DEFAULT_EXPORT_DIR, saveAttachment } from './exports.js';
import type { CliIo } from './cli.js';
import { isYes } from './i18n/locales.js';
import { recordAudit } from './features/people/people.repository.js';
import { readTextFile, RosterFileError } from './features/people/rosterFile.js';
import type { StatsSource } from './features/stats/exports.js';
import { resolveDepartment } from './features/stats/metrics.js';
import { buildEvidencePack } from './features/evidence/evidence.js';
import { parseLedger, sessionProblems, type LedgerProblem, type LedgerRow } from './features/training/training.js';
import { trainingLedger } from './features/training/training.export.js';
import { recordLedger, type LedgerResult } from './features/training/training.repository.js';
import { applyRemoval, listSessions, planRemoval } from './features/training/training.corrections.js';

const MAX_FOLDER_SUFFIX = 1_000;

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The arguments that are not flags or their values. */
function positional(args: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      if (flags.includes(a.slice(2))) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** Problems by row and field (a file), or by field alone (`training add`). */
function report(source: StatsSource, io: CliIo, problems: readonly LedgerProblem[], result?: LedgerResult, byRow = true): number {
  const { t } = source;
  for (const p of problems) {
    const params = { row: p.row, field: p.field ?? '–', message: t(p.code, p.params) };
    io.err(byRow ? t('training.problem', params) : t('training.cli.add_problem', params));
  }
  if (!result || !result.recorded) {
    io.err(t(byRow ? 'training.cli.rejected' : 'training.cli.add_rejected', { count: problems.length }));
    return 1;
  }
  io.out(t('training.cli.done', { sessions: result.sessionsAdded, sessionsKnown: result.sessionsKnown, attendance: result.attendanceAdded, attendanceKnown: result.attendanceKnown }));
  return 0;
}

async function add(source: StatsSource, args: string[], io: CliIo): Promise<number> {
  const flags = ['date', 'title', 'kind', 'minutes'];
  const employees = positional(args, flags);
  const raw = { day: flag(args, 'date') ?? '', title: flag(args, 'title') ?? '', kind: flag(args, 'kind') ?? '', minutes: flag(args, 'minutes') ?? '' };
  const { session, problems } = sessionProblems(raw, 0, source.today);
  if (employees.length === 0) problems.push({ row: 0, field: 'employee_no', code: 'training.error.employee_no_missing' });
  if (!session || problems.length > 0) {
    for (const p of problems) io.err(source.t('training.cli.add_problem', { field: p.field ?? '–', message: source.t(p.code, p.params) }));
    io.err(source.t('training.cli.usage'));
    return 1;
  }
  const rows: LedgerRow[] = [...new Set(employees)].map((employeeNo, i) => ({ row: i + 1, employeeNo, ...session }));
  const result = await recordLedger(source.db, rows, { nowIso: source.nowIso, actorLabel: 'cli', source: 'add' });
  return report(source, io, result.problems, result, false);
}

async function importFile(source: StatsSource, args: string[], io: CliIo): Promise<number> {
  const [path] = positional(args, []);
  if (!path) {
    io.err(source.t('training.cli.usage'));
    return 1;
  }
  let text = '';
  try {
    const encoding = await readTextFile(path, (piece) => (text += piece));
    if (encoding === 'cp949') io.out(source.t('cli.roster.decoded_cp949', { path }));
  } catch (error) {
    if (!(error instanceof RosterFileError)) throw error;
    io.err(source.t(error.code, { path: error.path }));
    return 1;
  }
  const parsed = parseLedger(text, source.today);
  if (parsed.problems.length > 0) return report(source, io, parsed.problems);
  const result = await recordLedger(source.db, parsed.rows, { nowIso: source.nowIso, actorLabel: 'cli', source: basename(path) });
  return report(source, io, result.problems, result);
}

function yearOf(source: StatsSource, raw: string | undefined): number | undefined {
  if (!raw || !/^\d{4}$/.test(raw)) return undefined;
  const year = Number(raw);
  return `${year}-01-01` <= source.today && year >= 2000 ? year : undefined;
}

/** training export <year> [--department path] [--out dir]: one department's subtree, or everyone. */
async function exportLedger(source: StatsSource, args: string[], io: CliIo): Promise<number> {
  const year = yearOf(source, positional(args, ['out', 'department'])[0]);
  if (year === undefined) {
    io.err(source.t('training.cli.usage'));
    return 1;
  }
  const asOf = `${year}-12-31` < source.today ? `${year}-12-31` : source.today;
  const named = flag(args, 'department');
  const department = named === undefined ? undefined : await resolveDepartment(source.db, named);
  const file = await trainingLedger(source.db, source.t, { year, asOf, minGroupSize: source.config.minGroupSize, newHireDays: source.config.training.newHireDays, ...(department ? { department } : {}) });
  await recordAudit(source.db, { actorMemberId: null, actorLabel: 'cli', action: 'export', details: { kind: 'training', format: 'xlsx', period: String(year), departmentId: department?.id ?? null, file: file.name }, nowIso: source.nowIso });
  io.out(source.t('console.file_saved', { path: await saveAttachment(flag(args, 'out') ?? DEFAULT_EXPORT_DIR, file) }));
  return 0;
}

/** training list [year] [--department path]: the sessions with their ids, to find one to correct. */
async function list(source: StatsSource, args: string[], io: CliIo): Promise<number> {
  const raw = positional(args, ['department'])[0];
  const year = raw === undefined ? Number(source.today.slice(0, 4)) : yearOf(source, raw);
  if (year === undefined || (args.includes('--department') && !flag(args, 'department'))) {
    io.err(source.t('training.cli.usage'));
    return 1;
  }
  const named = flag(args, 'department');
  const department = named === undefined ? undefined : await resolveDepartment(source.db, named);
  const sessions = await listSessions(source.db, year, department?.path);
  if (sessions.length === 0) {
    io.out(source.t('training.list.none', { year }));
    return 0;
  }
  io.out(source.t('training.list.header'));
  for (const s of sessions) io.out(source.t('training.list.row', { id: s.id, day: s.day, title: s.title, kind: source.t(`training.kind.${s.kind}`), minutes: s.minutes, attendees: s.attendees }));
  return 0;
}

/** training remove --session <id> [employee_no…] [--yes]: some attendees, or the whole session. */
async function remove(source: StatsSource, args: string[], io: CliIo): Promise<number> {
  const { t } = source;
  const rawId = flag(args, 'session');
  const unknownFlags = args.filter((a) => a.startsWith('--') && a !== '--session' && a !== '--yes');
  if (rawId === undefined || unknownFlags.length > 0) {
    io.err(t('training.cli.usage'));
    return 1;
  }
  const plan = await planRemoval(source.db, rawId, positional(args, ['session']));
  if (plan.kind === 'problems') {
    for (const p of plan.problems) io.err(t(p.code, p.params));
    io.err(t('training.remove.nothing_changed'));
    return 1;
  }
  if (plan.kind === 'nothing') {
    io.out(t('training.remove.already', { session: plan.session }));
    return 0;
  }
  const s = plan.session;
  const params = { id: s.id, day: s.day, title: s.title, kind: t(`training.kind.${s.kind}`), minutes: s.minutes, count: plan.attendees.length, total: plan.attendanceTotal, employees: plan.attendees.map((a) => a.employeeNo).join(', ') || '–' };
  const what = t(plan.whole ? 'training.remove.what_session' : 'training.remove.what_attendees', params);
  if (!args.includes('--yes')) {
    if (!io.ask) {
      io.err(what);
      io.err(t('training.remove.needs_yes'));
      return 1;
    }
    const answer = await io.ask(t('training.remove.confirm', { what }));
    if (!isYes(answer)) {
      io.err(t('training.remove.cancelled'));
      return 1;
    }
  }
  const removed = await applyRemoval(source.db, plan, { nowIso: source.nowIso, actorLabel: 'cli' });
  io.out(t(plan.whole ? 'training.remove.done_session' : 'training.remove.done_attendees', { ...params, removed }));
  return 0;
}

export async function trainingCommand(source: StatsSource, sub: string | undefined, args: string[], io: CliIo): Promise<number> {
  switch (sub) {
    case 'add':
      return add(source, args, io);
    case 'import':
      return importFile(source, args, io);
    case 'export':
      return exportLedger(source, args, io);
    case 'list':
      return list(source, args, io);
    case 'remove':
      return remove(source, args, io);
    default:
      io.err(source.t('training.cli.usage'));
      return 1;
  }
}

/** A new folder under `dir`: probity-evidence-<year>, or -1, -2 … when that exists; never overwritten. */
async function newFolder(dir: string, name: string): Promise<string> {
  await mkdir(resolve(dir), { recursive: true });
  for (let n = 0; n <= MAX_FOLDER_SUFFIX; n++) {
    const path = join(resolve(dir), n === 0 ? name : `${name}-${n}`);
    try {
      await mkdir(path);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`no free folder name for ${name} in ${dir}`);
}

/** report evidence <year> [--out dir] */
export async function evidenceCommand(source: StatsSource, args: string[], io: CliIo): Promise<number> {
  const year = yearOf(source, positional(args, ['out'])[0]);
  if (year === undefined) {
    io.err(source.t('evidence.error.usage'));
    return 1;
  }
  const out = args.includes('--out') ? flag(args, 'out') : DEFAULT_EXPORT_DIR;
  if (out === undefined || out.startsWith('--')) {
    io.err(source.t('evidence.error.usage'));
    return 1;
  }
  const pack = await buildEvidencePack(source, year, source.nowIso);
  let folder: string | undefined;
  try {
    folder = await newFolder(out, `probity-evidence-${year}`);
    for (const file of pack.files) await writeFile(join(folder, file.name), file.data, { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    // No half-written pack is left behind to be mistaken for a whole one.
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    io.err(source.t('evidence.error.write', { path: resolve(out), reason: code }));
    return 1;
  }
  await recordAudit(source.db, {
    actorMemberId: null,
    actorLabel: 'cli',
    action: 'report.evidence',
    details: { year, asOf: pack.asOf, folder: basename(folder), files: pack.files.length, manifestSha256: pack.manifestSha256 },
    nowIso: source.nowIso,
  });
  io.out(source.t('evidence.done', { year, files: pack.files.length, path: folder, manifest: pack.manifestSha256 }));
  return 0;
}
