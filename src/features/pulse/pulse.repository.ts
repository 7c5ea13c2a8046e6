/**
 * Pulses, their runs, who responded and what was answered. The two last never meet: a response row
 * names a member and carries no answer; an answer row carries no member, no time and no sequential id,
 * and is written in the same transaction as the response, so that neither exists without the other.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { dialectOf } from '../../db/createDb.js';
import type { Database, PulseRow, PulseRun } from '../../db/schema.js';
import type { Localized } from '../../i18n/locales.js';
import { syncVersionedContent, type SyncSummary } from '../content/versioned.js';
import type { DepartmentAudience } from '../people/audience.js';
import { isStaff } from '../people/people.repository.js';
import { coarsenDepartments, shuffle, type DepartmentNode, type PulseItem, type PulseQuestion } from './pulse.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;
const ID_CHUNK = 500;
/** Rows per insert: well under SQLite's bound-parameter limit with five columns each. */
const INSERT_CHUNK = 200;

export interface PulseBody {
  title: Localized;
  intro: Localized;
  items: PulseQuestion[];
}

export interface Pulse {
  id: number;
  pack: string;
  slug: string;
  key: string;
  version: number;
  active: boolean;
  body: PulseBody;
}

export function toPulse(row: PulseRow): Pulse {
  return { id: row.id, pack: row.pack, slug: row.slug, key: `${row.pack}/${row.slug}`, version: row.version, active: row.active === 1, body: JSON.parse(row.body) as PulseBody };
}

/** Brings the pulses table in line with the content, as for pledges: a changed text is a new version. */
export async function syncPulses(db: Kysely<Database>, items: readonly PulseItem[], nowIso: string): Promise<SyncSummary> {
  return syncVersionedContent(db, 'pulses', items, (item) => {
    const body = JSON.stringify({ title: item.title, intro: item.intro, items: item.items } satisfies PulseBody);
    return { body, contentHash: createHash('sha256').update(body, 'utf8').digest('hex') };
  }, nowIso);
}

export async function activePulses(db: DbOrTrx): Promise<Pulse[]> {
  return (await db.selectFrom('pulses').selectAll().where('active', '=', 1).orderBy('pack').orderBy('id').execute()).map(toPulse);
}

export async function findActivePulse(db: DbOrTrx, name: string): Promise<Pulse | undefined> {
  const pulses = await activePulses(db);
  return pulses.find((p) => p.key === name) ?? pulses.find((p) => p.slug === name);
}

export async function pulseById(db: DbOrTrx, id: number): Promise<Pulse | undefined> {
  const row = await db.selectFrom('pulses').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toPulse(row) : undefined;
}

export async function insertRun(
  db: DbOrTrx,
  row: { pulse: Pulse; audience: DepartmentAudience; closesOn: string | null; openedBy: number | null; day: string; nowIso: string },
): Promise<number | null> {
  const inserted = await db
    .insertInto('pulse_runs')
    .values({ pulse_id: row.pulse.id, audience: JSON.stringify(row.audience), closes_on: row.closesOn, opened_by: row.openedBy, opened_at: row.nowIso, day: row.day, recipients: 0, closed_at: null, min_group_size: null })
    .onConflict((oc) => oc.columns(['pulse_id', 'day', 'audience']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

export function runAudience(run: PulseRun): DepartmentAudience {
  return JSON.parse(run.audience) as DepartmentAudience;
}

export async function runById(db: DbOrTrx, id: number): Promise<PulseRun | undefined> {
  return db.selectFrom('pulse_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Runs not yet closed, newest first. */
export async function openRuns(db: DbOrTrx): Promise<PulseRun[]> {
  return db.selectFrom('pulse_runs').selectAll().where('closed_at', 'is', null).orderBy('id', 'desc').execute();
}

/** Closed runs of one pulse (any version), oldest first: the trend. */
export async function closedRunsOf(db: DbOrTrx, pack: string, slug: string): Promise<PulseRun[]> {
  return db
    .selectFrom('pulse_runs')
    .innerJoin('pulses', 'pulses.id', 'pulse_runs.pulse_id')
    .selectAll('pulse_runs')
    .where('pulses.pack', '=', pack)
    .where('pulses.slug', '=', slug)
    .where('pulse_runs.closed_at', 'is not', null)
    .orderBy('pulse_runs.id')
    .execute();
}

export async function allRuns(db: DbOrTrx): Promise<PulseRun[]> {
  return db.selectFrom('pulse_runs').selectAll().orderBy('id').execute();
}

export async function departmentNodes(db: DbOrTrx): Promise<(DepartmentNode & { path: string })[]> {
  return (await db.selectFrom('departments').select(['id', 'parent_id', 'path']).execute()).map((d) => ({ id: d.id, parentId: d.parent_id, path: d.path }));
}

/** Active members per department (direct members): the roster the pre-close coarsening reads. */
async function headcounts(db: DbOrTrx): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('members')
    .select(['department_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('left_on', 'is', null)
    .where(isStaff)
    .groupBy('department_id')
    .execute();
  return new Map(rows.map((r) => [r.department_id, Number(r.n)]));
}

export interface ResponseInput {
  run: PulseRun;
  memberId: number;
  departmentId: number;
  day: string;
  /** One value per item, in item order. */
  values: readonly number[];
  minGroupSize: number;
}

export type ResponseOutcome = 'recorded' | 'duplicate' | 'closed';

/**
 * Records a response once, with its answers in the same transaction: 'duplicate' (and nothing
 * written) when this member had already responded, 'closed' when the run closed meanwhile. Until the
 * run closes, an answer's department is already no finer than a level with at least the minimum
 * group size of staff on the roster, so a department too small to ever be shown is never written
 * next to an answer.
 */
export async function recordResponse(db: Kysely<Database>, input: ResponseInput): Promise<ResponseOutcome> {
  return db.transaction().execute(async (trx) => {
    // The run is read under a share lock (PostgreSQL; SQLite runs one write transaction at a time):
    // closing it waits for this response, or this response sees it closed. No answer is written
    // between close reading the answers and rewriting them, so none is lost.
    let run = trx.selectFrom('pulse_runs').select('closed_at').where('id', '=', input.run.id);
    if (dialectOf(trx) === 'postgres') run = run.forShare();
    if ((await run.executeTakeFirst())?.closed_at !== null) return 'closed';
    const inserted = await trx
      .insertInto('pulse_responses')
      .values({ run_id: input.run.id, member_id: input.memberId, department_id: input.departmentId, day: input.day })
      .onConflict((oc) => oc.columns(['run_id', 'member_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return 'duplicate';
    const coarse = coarsenDepartments(await departmentNodes(trx), await headcounts(trx), input.minGroupSize).get(input.departmentId) ?? null;
    await trx
      .insertInto('pulse_answers')
      .values(input.values.map((value, item) => ({ id: randomUUID(), run_id: input.run.id, item, value, department_id: coarse })))
      .execute();
    return 'recorded';
  });
}

export async function hasResponded(db: DbOrTrx, runId: number, memberId: number): Promise<boolean> {
  return (await db.selectFrom('pulse_responses').select('id').where('run_id', '=', runId).where('member_id', '=', memberId).executeTakeFirst()) !== undefined;
}

/** Member ids (of those given) who responded to this run. */
export async function respondedAmong(db: DbOrTrx, runId: number, memberIds: readonly number[]): Promise<Set<number>> {
  const responded = new Set<number>();
  for (let i = 0; i < memberIds.length; i += ID_CHUNK) {
    const rows = await db.selectFrom('pulse_responses').select('member_id').where('run_id', '=', runId).where('member_id', 'in', memberIds.slice(i, i + ID_CHUNK)).execute();
    for (const r of rows) responded.add(r.member_id);
  }
  return responded;
}

/** Respondents per department (the department they answered from). */
export async function respondentsByDepartment(db: DbOrTrx, runId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('pulse_responses')
    .select(['department_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .groupBy('department_id')
    .execute();
  return new Map(rows.map((r) => [r.department_id, Number(r.n)]));
}

export async function responseCount(db: DbOrTrx, runId: number): Promise<number> {
  const row = await db.selectFrom('pulse_responses').select((eb) => eb.fn.countAll<number>().as('n')).where('run_id', '=', runId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Closes a run once (false when it already was): answers are moved up the tree until every
 * department that holds any has at least `minGroupSize` respondents under it, and rewritten in a
 * random order under new random ids, so that neither their order nor their ids say when they came.
 */
export async function closeRun(db: Kysely<Database>, runId: number, minGroupSize: number, nowIso: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('pulse_runs').set({ closed_at: nowIso, min_group_size: minGroupSize }).where('id', '=', runId).where('closed_at', 'is', null).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    const target = coarsenDepartments(await departmentNodes(trx), await respondentsByDepartment(trx, runId), minGroupSize);
    const answers = await trx.selectFrom('pulse_answers').select(['item', 'value', 'department_id']).where('run_id', '=', runId).execute();
    await trx.deleteFrom('pulse_answers').where('run_id', '=', runId).execute();
    const rows = shuffle(answers, () => randomInt(0, 2 ** 32) / 2 ** 32).map((a) => ({
      id: randomUUID(),
      run_id: runId,
      item: a.item,
      value: a.value,
      department_id: a.department_id === null ? null : (target.get(a.department_id) ?? null),
    }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto('pulse_answers').values(rows.slice(i, i + INSERT_CHUNK)).execute();
    return true;
  });
}

export async function answersOf(db: DbOrTrx, runId: number): Promise<{ item: number; value: number; department_id: number | null }[]> {
  return db.selectFrom('pulse_answers').select(['item', 'value', 'department_id']).where('run_id', '=', runId).execute();
}

/** How many reminders each member has had for a run. */
export async function reminderCounts(db: DbOrTrx, runId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('pulse_reminders')
    .select(['member_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .groupBy('member_id')
    .execute();
  return new Map(rows.map((r) => [r.member_id, Number(r.n)]));
}
