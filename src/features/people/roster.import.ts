/**
 * Roster import: validate everything first, then write in one transaction. Re-importing the same file
 * changes nothing; `sync` marks roster people missing from the file as left (their history stays).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, Member, NewMember } from '../../db/schema.js';
import { formatRoles } from '../../engine/roles.js';
import { recordDepartmentChanges } from '../stats/departmentHistory.js';
import { ANY_WORKSPACE, ensureDepartment, recordAudit } from './people.repository.js';
import { DEPARTMENT_SEPARATOR, parseRoster, type ParsedRoster, type RosterProblem, type RosterRow } from './roster.js';

export interface RosterImportOptions {
  sync: boolean;
  skipInvalid: boolean;
  today: string;
  nowIso: string;
  actorLabel: string;
  /** Work out what would change and write nothing. */
  dryRun?: boolean;
  /** Asked, once the changes are known and before anything is written, whether to go on. */
  confirm?: (preview: RosterPreview) => Promise<boolean>;
}

/** What an import would do, known before it writes. */
export interface RosterPreview {
  added: number;
  updated: number;
  unchanged: number;
  rejoined: number;
  left: number;
  skipped: number;
  firstImport: boolean;
}

export interface RosterImportResult extends RosterPreview {
  imported: boolean;
  /** The file was valid but nothing was written: a dry run, or the confirmation was declined. */
  held: 'dry-run' | 'declined' | null;
  problems: RosterProblem[];
  /** Members this import added (not rejoiners): new hires, unless this was the first import. */
  addedIds: number[];
  /** No roster member existed before: the initial load of an installation, not a wave of new hires. */
  firstImport: boolean;
}

/** Rows per INSERT statement: well under SQLite's 32,766 bound-parameter limit. */
const INSERT_CHUNK = 200;

interface RosterChange {
  row: RosterRow;
  current: Member;
  rejoining: boolean;
}

/** The rows of a valid file sorted against the people already known. */
interface RosterPlan {
  adds: RosterRow[];
  changes: RosterChange[];
  unchanged: RosterRow[];
  leaving: Member[];
}

/** The fields a roster row decides, compared with what a member has. */
function differs(current: Member, row: RosterRow, departmentPath: string | undefined): boolean {
  return (
    current.left_on !== null ||
    current.source !== 'roster' ||
    current.employee_no !== row.employeeNo ||
    current.name !== row.name ||
    current.email !== row.email ||
    departmentPath !== row.department.join(DEPARTMENT_SEPARATOR) ||
    current.roles !== formatRoles(row.roles) ||
    current.locale !== row.locale ||
    (row.promotedOn !== undefined && current.promoted_on !== row.promotedOn) ||
    (row.head !== undefined && current.is_head !== (row.head ? 1 : 0))
  );
}

function planChanges(rows: readonly RosterRow[], existing: readonly Member[], departmentPaths: ReadonlyMap<number, string>, sync: boolean): RosterPlan {
  const byNo = new Map(existing.filter((m) => m.employee_no !== null).map((m) => [m.employee_no!, m]));
  // People who came in through chat before the roster knew them are adopted by e-mail.
  const enrolledByEmail = new Map(existing.filter((m) => m.employee_no === null && m.email !== null).map((m) => [m.email!, m]));
  const plan: RosterPlan = { adds: [], changes: [], unchanged: [], leaving: [] };
  for (const row of rows) {
    const current = byNo.get(row.employeeNo) ?? (row.email !== null ? enrolledByEmail.get(row.email) : undefined);
    if (!current) plan.adds.push(row);
    else if (differs(current, row, departmentPaths.get(current.department_id))) plan.changes.push({ row, current, rejoining: current.left_on !== null });
    else plan.unchanged.push(row);
  }
  if (sync) {
    const inFile = new Set(rows.map((r) => r.employeeNo));
    plan.leaving = existing.filter((m) => m.source === 'roster' && m.left_on === null && m.employee_no !== null && !inFile.has(m.employee_no));
  }
  return plan;
}

export async function importRoster(db: Kysely<Database>, input: string | ParsedRoster, options: RosterImportOptions): Promise<RosterImportResult> {
  const parsed = typeof input === 'string' ? parseRoster(input) : input;
  const existing = await db.selectFrom('members').selectAll().execute();
  const problems = [...parsed.problems, ...conflictsWithOthers(parsed.rows, existing)];
  const badRows = new Set(problems.map((p) => p.row));
  const headerBroken = badRows.has(1);
  const firstImport = !existing.some((m) => m.source === 'roster');
  const nothing: RosterPreview = { added: 0, updated: 0, unchanged: 0, rejoined: 0, left: 0, skipped: 0, firstImport };
  if (headerBroken || (problems.length > 0 && !options.skipInvalid)) return { ...nothing, imported: false, held: null, problems, addedIds: [] };
  const rows = parsed.rows.filter((r) => !badRows.has(r.row));

  const departmentPaths = new Map((await db.selectFrom('departments').select(['id', 'path']).execute()).map((d) => [d.id, d.path]));
  const plan = planChanges(rows, existing, departmentPaths, options.sync);
  const preview: RosterPreview = {
    added: plan.adds.length,
    updated: plan.changes.filter((c) => !c.rejoining).length,
    rejoined: plan.changes.filter((c) => c.rejoining).length,
    unchanged: plan.unchanged.length,
    left: plan.leaving.length,
    skipped: badRows.size,
    firstImport,
  };
  const held = (reason: 'dry-run' | 'declined'): RosterImportResult => ({ ...preview, imported: false, held: reason, problems, addedIds: [] });
  if (options.dryRun) return held('dry-run');
  if (options.confirm && !(await options.confirm(preview))) return held('declined');

  return db.transaction().execute(async (trx) => {
    const result: RosterImportResult = { ...preview, imported: true, held: null, problems, addedIds: [] };
    const departments = new Map<string, number>();
    const wanted = async (row: RosterRow) => ({
      name: row.name,
      email: row.email,
      department_id: await ensureDepartment(trx, row.department, options.nowIso, departments),
      roles: formatRoles(row.roles),
      locale: row.locale,
      // Optional columns a file leaves out keep what is stored.
      ...(row.promotedOn !== undefined ? { promoted_on: row.promotedOn } : {}),
      ...(row.head !== undefined ? { is_head: row.head ? 1 : 0 } : {}),
    });
    // Departments are created in file order, whatever happens to each row.
    for (const row of rows) await ensureDepartment(trx, row.department, options.nowIso, departments);
    for (const { row, current } of plan.changes) {
      await trx
        .updateTable('members')
        .set({ ...(await wanted(row)), employee_no: row.employeeNo, source: 'roster', left_on: null, updated_at: options.nowIso })
        .where('id', '=', current.id)
        .execute();
    }
    for (let i = 0; i < plan.adds.length; i += INSERT_CHUNK) {
      const values: NewMember[] = [];
      for (const row of plan.adds.slice(i, i + INSERT_CHUNK)) {
        values.push({
          ...(await wanted(row)),
          employee_no: row.employeeNo,
          preferred_locale: null,
          source: 'roster',
          joined_on: options.today,
          left_on: null,
          created_at: options.nowIso,
          updated_at: options.nowIso,
        });
      }
      const ids = await trx.insertInto('members').values(values).returning('id').execute();
      result.addedIds.push(...ids.map((r) => r.id));
    }
    // Department history for the statistics: whoever arrived or moved in this import did so today.
    await recordDepartmentChanges(trx, { dayOf: () => options.today, updatedSince: options.nowIso });

    await linkNamedAccounts(trx, rows, options);

    for (let i = 0; i < plan.leaving.length; i += INSERT_CHUNK) {
      const ids = plan.leaving.slice(i, i + INSERT_CHUNK).map((m) => m.id);
      await trx.updateTable('members').set({ left_on: options.today, updated_at: options.nowIso }).where('id', 'in', ids).execute();
    }

    if (result.added + result.updated + result.rejoined + result.left > 0) {
      await recordAudit(trx, {
        actorMemberId: null,
        actorLabel: options.actorLabel,
        action: 'roster.import',
        details: { added: result.added, updated: result.updated, rejoined: result.rejoined, left: result.left, skipped: result.skipped, sync: options.sync },
        nowIso: options.nowIso,
      });
    }
    return result;
  });
}

/** An e-mail already used by someone else in the database (not in this file) cannot be taken. */
function conflictsWithOthers(rows: readonly RosterRow[], existing: readonly Member[]): RosterProblem[] {
  const emailOwner = new Map(existing.filter((m) => m.email !== null).map((m) => [m.email!, m]));
  const numbersInFile = new Set(rows.map((r) => r.employeeNo));
  const existingNumbers = new Set(existing.map((m) => m.employee_no).filter((n): n is string => n !== null));
  const problems: RosterProblem[] = [];
  for (const row of rows) {
    if (row.email === null) continue;
    const owner = emailOwner.get(row.email);
    if (!owner || owner.employee_no === row.employeeNo) continue;
    // Someone on the roster keeps their e-mail unless this file gives it away too.
    const takenByRoster = owner.employee_no !== null && !numbersInFile.has(owner.employee_no);
    // Someone who came through chat is adopted by a new row, but cannot be merged into an existing one.
    const takenByChat = owner.employee_no === null && existingNumbers.has(row.employeeNo);
    if (takenByRoster || takenByChat) problems.push({ row: row.row, code: 'roster.error.email_taken', params: { value: row.email } });
  }
  return problems;
}

/**
 * Discord and NAVER WORKS user ids are global; a Slack id is linked for any workspace until the person
 * first writes.
 */
const NAMED_ACCOUNT_WORKSPACE = { slack: ANY_WORKSPACE, discord: 'discord', naverworks: 'naverworks' } as const;

/**
 * Rows that name chat accounts (slack_id, discord_id, works_id) link them, so nobody has to be matched by e-mail.
 * Someone who already used Probity through that account before the roster knew them is adopted: the
 * account moves to the roster member, and the stand-in person is marked as left.
 */
async function linkNamedAccounts(trx: Transaction<Database>, rows: readonly RosterRow[], options: RosterImportOptions): Promise<void> {
  const { nowIso } = options;
  const named = rows.filter((r) => r.slackId || r.discordId || r.worksId);
  if (named.length === 0) return;
  const ids = new Map((await trx.selectFrom('members').select(['id', 'employee_no']).where('employee_no', 'in', named.map((r) => r.employeeNo)).execute()).map((m) => [m.employee_no, m.id]));
  const accounts = named.flatMap((row) => {
    const memberId = ids.get(row.employeeNo);
    if (memberId === undefined) return [];
    const link = (platform: keyof typeof NAMED_ACCOUNT_WORKSPACE, userId: string | null) =>
      userId ? [{ member_id: memberId, platform, workspace: NAMED_ACCOUNT_WORKSPACE[platform], platform_user_id: userId, display_name: row.name, linked_at: nowIso }] : [];
    return [...link('slack', row.slackId), ...link('discord', row.discordId), ...link('naverworks', row.worksId)];
  });
  for (const account of accounts) {
    const standIns = await trx
      .selectFrom('member_accounts')
      .innerJoin('members', 'members.id', 'member_accounts.member_id')
      .select(['member_accounts.id', 'members.id as member_id'])
      .where('member_accounts.platform', '=', account.platform)
      .where('member_accounts.platform_user_id', '=', account.platform_user_id)
      .where('members.source', '=', 'enrolled')
      .execute();
    if (standIns.length === 0) continue;
    await trx.updateTable('member_accounts').set({ member_id: account.member_id }).where('id', 'in', standIns.map((a) => a.id)).execute();
    await trx.updateTable('members').set({ left_on: options.today, updated_at: nowIso }).where('id', 'in', standIns.map((a) => a.member_id)).execute();
  }
  for (let i = 0; i < accounts.length; i += INSERT_CHUNK) {
    await trx.insertInto('member_accounts').values(accounts.slice(i, i + INSERT_CHUNK)).onConflict((oc) => oc.columns(['platform', 'workspace', 'platform_user_id']).doNothing()).execute();
  }
}
