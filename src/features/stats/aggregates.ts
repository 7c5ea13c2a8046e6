/**
 * The statistics aggregates and their incremental refresh. A year of raw answers for 10,000 staff is
 * about 1.5 million rows and a year of quiz DMs 2.5 million deliveries: too many to group on every
 * request, and the answers are purged after the retention period. So `computeStats` first calls
 * `refreshAggregates`, which folds in only what is new since its watermarks:
 *
 * - department history (member_departments) is caught up first; a change dated day D recounts the
 *   deliveries and messages from D on, so attribution always follows the history;
 * - answers → stats_member_years: one 366-character string per member per year (answerDays.ts,
 *   answerFold.ts), idempotent, from a safe watermark (refreshState.ts);
 * - deliveries → stats_deliveries, and leadership messages → stats_announcement_departments (outboxFold.ts).
 *
 * When nothing changed, the refresh is one round of small parallel reads.
 */
import { sql } from 'kysely';
import { localDay, type Day } from '../../time.js';
import { foldAnswers, type AnswerFold } from './answerFold.js';
import { recordDepartmentChanges } from './departmentHistory.js';
import { foldDeliveries, recountAnnouncements, unfoldedRuns } from './outboxFold.js';
import { lock, newRowsByGroup, safeBefore, SAFETY_MS, writeState, type Db } from './refreshState.js';

export { SAFETY_MS } from './refreshState.js';

export interface RefreshOptions {
  today: Day;
  now?: Date;
  /** The organisation's time zone, to date department moves by the member's last update. */
  timeZone?: string;
}

export interface RefreshResult extends AnswerFold {
  jobRunsFolded: number;
  announcementsRecounted: number;
}

export async function refreshAggregates(db: Db, options: RefreshOptions): Promise<RefreshResult> {
  const now = options.now ?? new Date();
  const probe = await probeChanges(db, options.today, now);
  const changedFrom = await catchUpHistory(db, options, now, probe);
  const grownRuns = probe.grownRuns.map((r) => r.id);
  const announcementsRecounted = await recountAnnouncements(db, {
    now,
    today: options.today,
    changedFrom,
    grownRuns,
    acknowledgementsSafe: Number(probe.state.get('acks_safe_id') ?? '0'),
    topAcknowledgement: probe.topAcknowledgement,
  });
  const jobRunsFolded = await foldDeliveries(db, { today: options.today, changedFrom, grownRuns, openRuns: probe.openRuns });
  const deliveriesSafe = probe.grownRuns.reduce((safe, r) => Math.max(safe, r.oldId), probe.deliveriesSafe);
  if (deliveriesSafe > probe.deliveriesSafe) await writeState(db, 'deliveries_safe_id', String(deliveriesSafe));
  const answers = await foldAnswers(db, now, { safe: Number(probe.state.get('answers_safe_id') ?? '0'), top: probe.topAnswer });
  return { ...answers, jobRunsFolded, announcementsRecounted };
}

/** Watermarks and what is there now, read at once. */
interface Probe {
  state: ReadonlyMap<string, string>;
  maxUpdatedAt: string | null;
  topSpan: number;
  topAcknowledgement: number;
  topAnswer: number;
  /** Job runs before today not counted yet. */
  openRuns: { id: number; day: string }[];
  deliveriesSafe: number;
  /** Job runs with deliveries written since the safe watermark, and the highest id of those old enough to pass it. */
  grownRuns: { id: number; oldId: number }[];
}

async function probeChanges(db: Db, today: Day, now: Date): Promise<Probe> {
  const state = new Map((await db.selectFrom('stats_state').select(['name', 'value']).execute()).map((r) => [r.name, r.value]));
  const deliveriesSafe = Number(state.get('deliveries_safe_id') ?? '0');
  const top = async (table: 'member_departments' | 'acknowledgements' | 'quiz_answers' | 'deliveries') =>
    Number((await sql<{ id: number | string | null }>`select max(id) as id from ${sql.table(table)}`.execute(db)).rows[0]?.id ?? 0);
  const [updated, topSpan, topAcknowledgement, topAnswer, topDelivery, openRuns] = await Promise.all([
    db.selectFrom('members').select((eb) => eb.fn.max('updated_at').as('at')).executeTakeFirst(),
    top('member_departments'),
    top('acknowledgements'),
    top('quiz_answers'),
    top('deliveries'),
    unfoldedRuns(db).where('j.day', '<', today).execute(),
  ]);
  return {
    state,
    maxUpdatedAt: updated?.at ?? null,
    topSpan,
    topAcknowledgement,
    topAnswer,
    openRuns,
    deliveriesSafe,
    grownRuns:
      topDelivery > deliveriesSafe
        ? [...(await newRowsByGroup(db, { table: 'deliveries', group: 'job_run_id', writtenAt: 'created_at' }, deliveriesSafe, safeBefore(now)))].map(([id, oldId]) => ({ id, oldId }))
        : [],
  };
}

/** Records department changes made outside the roster import; returns the earliest day they affect. */
async function catchUpHistory(db: Db, options: RefreshOptions, now: Date, probe: Probe): Promise<Day | undefined> {
  const seen = probe.state.get('members_seen_at');
  const maxUpdated = probe.maxUpdatedAt;
  // Updates committed late (PostgreSQL) can carry an earlier time: look back SAFETY_MS while they may still arrive.
  const membersDue = maxUpdated !== null && (seen === undefined || maxUpdated > seen || seen > safeBefore(now));
  const spansSeen = Number(probe.state.get('spans_seen_id') ?? '0');
  if (!membersDue && probe.topSpan <= spansSeen) return undefined;
  return db.transaction().execute(async (trx) => {
    await lock(trx);
    if (membersDue) {
      const since = seen === undefined ? undefined : new Date(Date.parse(seen) - SAFETY_MS).toISOString();
      const dayOf = (m: { updated_at: string }) => {
        const day = options.timeZone ? localDay(new Date(m.updated_at), options.timeZone) : options.today;
        return day < options.today ? day : options.today;
      };
      await recordDepartmentChanges(trx, since === undefined ? { dayOf } : { dayOf, updatedSince: since });
      await writeState(trx, 'members_seen_at', maxUpdated! > now.toISOString() ? now.toISOString() : maxUpdated!);
    }
    // Every span written since the last refresh (here or by the roster import) changes attribution from its first day.
    const fresh = await trx
      .selectFrom('member_departments')
      .select([(eb) => eb.fn.min('from_day').as('from_day'), (eb) => eb.fn.max('id').as('id')])
      .where('id', '>', spansSeen)
      .executeTakeFirst();
    if (fresh?.id == null) return undefined;
    await writeState(trx, 'spans_seen_id', String(fresh.id));
    return fresh.from_day ?? undefined;
  });
}
