/**
 * Reminders for things people are asked to do once (sign a pledge campaign, answer a pulse run): one
 * reminder job per slot, one message per member however many open things they still owe, and a cap
 * per member and thing that counts the reminders recorded against earlier job runs.
 */
import type { PlannedRun } from '../scheduler/scheduler.js';
import { memberRecipient } from './outbox.repository.js';

/** Reminder rows written per insert: well within SQLite's and PostgreSQL's bound-parameter limits. */
const RECORD_CHUNK = 500;

/** One open thing and where its audience stands. */
export interface FollowUp {
  id: number;
  memberIds: readonly number[];
  /** Members who have done it (signed, responded). */
  done: ReadonlySet<number>;
  /** Reminders each member has had for it so far. */
  reminded: ReadonlyMap<number, number>;
}

/** A reminder as recorded: the thing, the member, the job run that carried it. */
export interface ReminderRow {
  followUpId: number;
  memberId: number;
  jobRunId: number;
}

/**
 * The reminder run for these follow-ups: everyone not done with one and under `max` reminders for it,
 * with `record` writing, in the same transaction as the job run, which reminders it carried (in
 * chunks of at most RECORD_CHUNK rows).
 */
export function planFollowUps(followUps: readonly FollowUp[], max: number, payload: Record<string, unknown>, record: (rows: ReminderRow[]) => Promise<void>): PlannedRun {
  const byMember = new Map<number, number[]>();
  for (const followUp of followUps) {
    for (const memberId of followUp.memberIds) {
      if (followUp.done.has(memberId) || (followUp.reminded.get(memberId) ?? 0) >= max) continue;
      byMember.set(memberId, [...(byMember.get(memberId) ?? []), followUp.id]);
    }
  }
  if (byMember.size === 0) return { payload: {}, recipients: [] };
  return {
    payload,
    recipients: [...byMember.keys()].map((id) => ({ memberId: id, recipient: memberRecipient(id) })),
    after: async (jobRunId) => {
      const rows = [...byMember].flatMap(([memberId, ids]) => ids.map((followUpId) => ({ followUpId, memberId, jobRunId })));
      for (let i = 0; i < rows.length; i += RECORD_CHUNK) await record(rows.slice(i, i + RECORD_CHUNK));
    },
  };
}
