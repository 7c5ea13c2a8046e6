import type { Kysely, Transaction } from 'kysely';
import type { Database, QuizAnswer } from '../../db/schema.js';
import type { Day } from '../../time.js';
import type { PastAnswer } from './quiz.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

export async function assignmentFor(db: DbOrTrx, memberId: number, quizDay: Day): Promise<number | undefined> {
  const row = await db
    .selectFrom('quiz_assignments')
    .select('question_id')
    .where('member_id', '=', memberId)
    .where('quiz_day', '=', quizDay)
    .executeTakeFirst();
  return row?.question_id;
}

/** Records today's question for a member; if another request got there first, theirs stands. */
export async function assignQuestion(db: DbOrTrx, memberId: number, quizDay: Day, questionId: number, nowIso: string): Promise<number> {
  const inserted = await db
    .insertInto('quiz_assignments')
    .values({ member_id: memberId, quiz_day: quizDay, question_id: questionId, assigned_at: nowIso })
    .onConflict((oc) => oc.columns(['member_id', 'quiz_day']).doNothing())
    .returning('question_id')
    .executeTakeFirst();
  return inserted?.question_id ?? (await assignmentFor(db, memberId, quizDay))!;
}

/** A member's quiz day in one look: the question assigned, if any, and whether it was answered. */
export async function quizDayState(db: DbOrTrx, memberId: number, quizDay: Day): Promise<{ questionId: number | undefined; answered: boolean }> {
  const row = await db
    .selectFrom('quiz_assignments')
    .leftJoin('quiz_answers', (join) => join.onRef('quiz_answers.member_id', '=', 'quiz_assignments.member_id').onRef('quiz_answers.quiz_day', '=', 'quiz_assignments.quiz_day'))
    .select(['quiz_assignments.question_id', 'quiz_answers.id as answer_id'])
    .where('quiz_assignments.member_id', '=', memberId)
    .where('quiz_assignments.quiz_day', '=', quizDay)
    .executeTakeFirst();
  return { questionId: row?.question_id, answered: row?.answer_id != null };
}

export interface NewAnswer {
  memberId: number;
  questionId: number;
  quizDay: Day;
  choiceIndex: number;
  correct: boolean;
  platform: string;
  nowIso: string;
}

/**
 * Records an answer once: the unique (member, quiz day) constraint makes a double click or a platform
 * retry a no-op. Returns whether this call recorded it.
 */
export async function recordAnswer(db: DbOrTrx, answer: NewAnswer): Promise<boolean> {
  const result = await db
    .insertInto('quiz_answers')
    .values({
      member_id: answer.memberId,
      question_id: answer.questionId,
      quiz_day: answer.quizDay,
      choice_index: answer.choiceIndex,
      correct: answer.correct ? 1 : 0,
      platform: answer.platform,
      answered_at: answer.nowIso,
    })
    .onConflict((oc) => oc.columns(['member_id', 'quiz_day']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function answerFor(db: DbOrTrx, memberId: number, quizDay: Day): Promise<QuizAnswer | undefined> {
  return db.selectFrom('quiz_answers').selectAll().where('member_id', '=', memberId).where('quiz_day', '=', quizDay).executeTakeFirst();
}

/** Every answer a member gave, keyed by question identity across versions. */
export async function answerHistory(db: DbOrTrx, memberId: number): Promise<PastAnswer[]> {
  const rows = await db
    .selectFrom('quiz_answers')
    .innerJoin('questions', 'questions.id', 'quiz_answers.question_id')
    .select(['questions.pack', 'questions.slug', 'quiz_answers.quiz_day', 'quiz_answers.correct'])
    .where('quiz_answers.member_id', '=', memberId)
    .execute();
  return rows.map((r) => ({ key: `${r.pack}/${r.slug}`, quizDay: r.quiz_day, correct: r.correct === 1 }));
}

/** A member's answered quiz days and whether each was right: what streaks and records are made of. */
export async function participation(db: DbOrTrx, memberId: number): Promise<{ days: Set<Day>; correct: number }> {
  const rows = await db.selectFrom('quiz_answers').select(['quiz_day', 'correct']).where('member_id', '=', memberId).execute();
  return { days: new Set(rows.map((r) => r.quiz_day)), correct: rows.filter((r) => r.correct === 1).length };
}
