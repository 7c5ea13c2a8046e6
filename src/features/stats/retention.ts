/**
 * Retention of raw quiz answers (PROBITY_ANSWER_RETENTION_DAYS): per-answer rows older than the
 * retention are deleted once the aggregates hold them, so the statistics of the purged period stay
 * exactly as they were. Quiz assignments of those days go with them.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { addDays, type Day } from '../../time.js';
import { refreshAggregates } from './aggregates.js';

export interface PurgeResult {
  /** Rows of quiz days before this one were deleted. */
  before: Day;
  answers: number;
  assignments: number;
}

export async function purgeOldAnswers(db: Kysely<Database>, options: { today: Day; retentionDays: number; now?: Date; timeZone?: string }): Promise<PurgeResult> {
  if (!Number.isInteger(options.retentionDays) || options.retentionDays < 1) throw new RangeError(`retentionDays must be a positive whole number, not ${options.retentionDays}`);
  const before = addDays(options.today, -options.retentionDays);
  // Everything up to `coveredTo` is folded; answers committed after the refresh are left for next time.
  const { answersCoveredTo } = await refreshAggregates(db, options);
  return db.transaction().execute(async (trx) => {
    const answers = await trx.deleteFrom('quiz_answers').where('quiz_day', '<', before).where('id', '<=', answersCoveredTo).executeTakeFirst();
    const assignments = await trx.deleteFrom('quiz_assignments').where('quiz_day', '<', before).executeTakeFirst();
    return { before, answers: Number(answers.numDeletedRows), assignments: Number(assignments.numDeletedRows) };
  });
}
