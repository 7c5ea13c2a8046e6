/**
 * Folds raw quiz answers into stats_member_years (answerDays.ts). Idempotent: folding a row again
 * writes the same character. Rows are read from the safe watermark on in chunks, one transaction each;
 * a large backlog (the first refresh over an existing history) goes member by member instead.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { answerChar, dayOfYear, EMPTY_YEAR, withAnswers } from './answerDays.js';
import { BATCH, lock, safeBefore, writeState, type Db } from './refreshState.js';

/** Raw answers folded per transaction: bounded memory on a first fold of a year of data. */
const ANSWER_CHUNK = 50_000;
/** More unfolded answers than this are folded member by member. */
const BACKLOG = 200_000;
/** Members per transaction of a backlog fold (a year of their answers, a few hundred thousand rows at most). */
const BACKLOG_MEMBERS = 250;

export interface AnswerFold {
  answersFolded: number;
  /** Every answer with an id up to this one is in the aggregates. */
  answersCoveredTo: number;
}

export async function foldAnswers(db: Db, now: Date, watermark: { safe: number; top: number }, backlog = BACKLOG): Promise<AnswerFold> {
  if (watermark.top <= watermark.safe) return { answersFolded: 0, answersCoveredTo: watermark.top };
  const fold = new Folder(db, now, watermark.safe, new Map((await db.selectFrom('questions').select(['id', 'topic']).execute()).map((q) => [q.id, q.topic])));
  let cursor = watermark.safe;
  if (watermark.top - watermark.safe > backlog) {
    // A long history (the first refresh of an installation): member by member, so that each year row
    // is written once rather than once per chunk of days.
    const members = (await db.selectFrom('members').select('id').orderBy('id').execute()).map((m) => m.id);
    for (let i = 0; i < members.length; i += BACKLOG_MEMBERS) {
      const [first, last] = [members[i]!, members[Math.min(i + BACKLOG_MEMBERS, members.length) - 1]!];
      await fold.chunk((q) => q.where('member_id', '>=', first).where('member_id', '<=', last).where('id', '>', watermark.safe).where('id', '<=', watermark.top));
    }
    cursor = watermark.top;
  }
  for (;;) {
    const from = cursor;
    const last = await fold.chunk((q) => q.where('id', '>', from).orderBy('id').limit(ANSWER_CHUNK));
    if (last === undefined) break;
    cursor = last;
  }
  return { answersFolded: fold.folded, answersCoveredTo: cursor };
}

type AnswerQuery = ReturnType<typeof answerRows>;
const answerRows = (trx: Transaction<Database>) => trx.selectFrom('quiz_answers').select(['id', 'member_id', 'question_id', 'quiz_day', 'correct', 'answered_at']);

/** Folds chunks of raw answers, one transaction each, moving the safe watermark as old rows pass. */
class Folder {
  folded = 0;
  private readonly cutoff: string;
  constructor(
    private readonly db: Db,
    now: Date,
    private safe: number,
    private readonly topicOf: ReadonlyMap<number, string>,
  ) {
    this.cutoff = safeBefore(now);
  }

  /** Folds the rows the query selects; returns the highest id folded, undefined when there were none. */
  chunk(select: (query: AnswerQuery) => AnswerQuery): Promise<number | undefined> {
    return this.db.transaction().execute(async (trx) => {
      await lock(trx);
      const rows = await select(answerRows(trx)).execute();
      if (rows.length === 0) return undefined;
      const codes = await topicCodes(trx, new Set(rows.map((r) => this.topicOf.get(r.question_id) ?? '')));
      const changes = new Map<number, Map<number, [number, string][]>>(); // year → member → [day of year, char]
      let oldest = this.safe;
      let highest = 0;
      for (const row of rows) {
        const year = Number(row.quiz_day.slice(0, 4));
        let byMember = changes.get(year);
        if (!byMember) changes.set(year, (byMember = new Map()));
        let list = byMember.get(row.member_id);
        if (!list) byMember.set(row.member_id, (list = []));
        list.push([dayOfYear(row.quiz_day), answerChar(codes.get(this.topicOf.get(row.question_id) ?? '')!, row.correct === 1)]);
        if (row.answered_at < this.cutoff && row.id > oldest) oldest = row.id;
        if (row.id > highest) highest = row.id;
      }
      for (const [year, byMember] of changes) await applyChanges(trx, year, byMember);
      if (oldest > this.safe) {
        this.safe = oldest;
        await writeState(trx, 'answers_safe_id', String(oldest));
      }
      this.folded += rows.length;
      return highest;
    });
  }
}

async function applyChanges(trx: Transaction<Database>, year: number, byMember: Map<number, [number, string][]>): Promise<void> {
  const members = [...byMember.keys()];
  for (let i = 0; i < members.length; i += BATCH) {
    const batch = members.slice(i, i + BATCH);
    const current = new Map(
      (await trx.selectFrom('stats_member_years').select(['member_id', 'days']).where('year', '=', year).where('member_id', 'in', batch).execute()).map((r) => [r.member_id, r.days]),
    );
    const rows = batch
      .map((memberId) => ({ member_id: memberId, year, days: withAnswers(current.get(memberId) ?? EMPTY_YEAR, byMember.get(memberId)!) }))
      // Recent answers are folded again until they pass the safety margin: unchanged rows are not rewritten.
      .filter((row) => row.days !== current.get(row.member_id));
    if (rows.length === 0) continue;
    await trx
      .insertInto('stats_member_years')
      .values(rows)
      .onConflict((oc) => oc.columns(['member_id', 'year']).doUpdateSet({ days: (eb) => eb.ref('excluded.days') }))
      .execute();
  }
}

/** The code of each topic, giving topics not seen before the next free code (codes are never reused). */
async function topicCodes(trx: Transaction<Database>, topics: ReadonlySet<string>): Promise<Map<string, number>> {
  const known = new Map((await trx.selectFrom('stats_topics').select(['code', 'topic']).execute()).map((t) => [t.topic, t.code]));
  let next = Math.max(-1, ...known.values()) + 1;
  for (const topic of topics) {
    if (known.has(topic)) continue;
    await trx.insertInto('stats_topics').values({ code: next, topic }).execute();
    known.set(topic, next++);
  }
  return known;
}
