/**
 * A small organisation whose statistics are worked out by hand in stats.test.ts, over the two weeks
 * 2026-03-02..2026-03-13 (Monday 2 March is a substitute holiday for 삼일절: 9 working days).
 *
 *   본부 (HQ)          m6 (manager)
 *   ├─ 본부/감사과 (B)  m1, m2 (joins 9 Mar), m4 (moves here from C on 9 Mar)
 *   └─ 본부/총무과 (C)  m3 (leaves: last day 5 Mar), m5 (never answers), m9 (joins Sat 7 Mar, leaves Mon 9 Mar)
 *   m7 left before the period.
 * Leadership messages on 4 March (to all; m5's DM failed) and 10 March (to 감사과), with their outbox rows.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';

export const PERIOD = { from: '2026-03-02', to: '2026-03-13', key: '2026-03-02..2026-03-13' };
export const TODAY = '2026-03-13';
export const NOW = new Date('2026-03-13T09:00:00Z');
const T = '2026-01-01T00:00:00Z';

export interface Fixture {
  hq: number;
  audit: number;
  general: number;
  members: Record<'m1' | 'm2' | 'm3' | 'm4' | 'm5' | 'm6' | 'm7' | 'm9', number>;
  topics: { graft: number; conflict: number };
  pledges: { code: number; codeOld: number; leaders: number };
}

export async function buildFixture(db: Kysely<Database>): Promise<Fixture> {
  const dept = async (name: string, path: string, parent: number | null) =>
    (await db.insertInto('departments').values({ name, path, parent_id: parent, created_at: T }).returning('id').executeTakeFirstOrThrow()).id;
  const hq = await dept('본부', '본부', null);
  const audit = await dept('감사과', '본부/감사과', hq);
  const general = await dept('총무과', '본부/총무과', hq);

  const member = async (no: string, department: number, joined: string, left: string | null, roles = 'employee') =>
    (
      await db
        .insertInto('members')
        .values({ employee_no: no, name: no, email: null, department_id: department, roles, locale: null, preferred_locale: null, source: 'roster', joined_on: joined, left_on: left, created_at: T, updated_at: T })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const members = {
    m1: await member('m1', audit, '2026-01-01', null),
    m2: await member('m2', audit, '2026-03-09', null),
    m3: await member('m3', general, '2025-01-01', '2026-03-06'),
    m4: await member('m4', audit, '2025-01-01', null),
    m5: await member('m5', general, '2025-01-01', null),
    m6: await member('m6', hq, '2025-01-01', null, 'employee;manager'),
    m7: await member('m7', general, '2025-01-01', '2026-03-02'),
    m9: await member('m9', general, '2026-03-07', '2026-03-09'),
  };
  const span = (member_id: number, department_id: number, from_day: string, to_day: string | null = null) => ({ member_id, department_id, from_day, to_day });
  await db
    .insertInto('member_departments')
    .values([
      span(members.m1, audit, '2026-01-01'),
      span(members.m2, audit, '2026-03-09'),
      span(members.m3, general, '2025-01-01'),
      span(members.m4, general, '2025-01-01', '2026-03-09'),
      span(members.m4, audit, '2026-03-09'),
      span(members.m5, general, '2025-01-01'),
      span(members.m6, hq, '2025-01-01'),
      span(members.m7, general, '2025-01-01'),
      span(members.m9, general, '2026-03-07'),
    ])
    .execute();

  const question = async (slug: string, topic: string) =>
    (
      await db
        .insertInto('questions')
        .values({ pack: 'core', slug, version: 1, topic, kind: 'ox', difficulty: 1, choice_count: 2, answer_index: 0, content_hash: slug, body: '{}', active: 1, created_at: T })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const topics = { graft: await question('q-graft', 'graft-act'), conflict: await question('q-conflict', 'conflict-of-interest') };
  const answer = (memberId: number, day: string, questionId: number, correct: boolean) => ({
    member_id: memberId,
    question_id: questionId,
    quiz_day: day,
    choice_index: correct ? 0 : 1,
    correct: correct ? 1 : 0,
    platform: 'console',
    answered_at: `${day}T01:00:00Z`,
  });
  await db
    .insertInto('quiz_answers')
    .values([
      answer(members.m1, '2026-03-03', topics.graft, true),
      answer(members.m1, '2026-03-04', topics.graft, true),
      answer(members.m1, '2026-03-10', topics.conflict, false),
      answer(members.m2, '2026-03-09', topics.graft, true),
      answer(members.m3, '2026-03-03', topics.graft, false),
      answer(members.m4, '2026-03-04', topics.conflict, true),
      answer(members.m4, '2026-03-11', topics.conflict, true),
      // On the holiday and on a Saturday: they make m6 a participant, but not a working day answered.
      answer(members.m6, '2026-03-02', topics.graft, true),
      answer(members.m6, '2026-03-07', topics.graft, true),
      answer(members.m7, '2026-02-27', topics.graft, true),
      // m9 was only there on a weekend; the answer is theirs but they are not in the headcount.
      answer(members.m9, '2026-03-07', topics.graft, false),
      // After the period.
      answer(members.m1, '2026-03-16', topics.graft, false),
    ])
    .execute();

  const pledge = async (slug: string, version: number, audience: string, active: number) =>
    (
      await db
        .insertInto('pledges')
        .values({ pack: 'core', slug, version, audience, content_hash: `${slug}${version}`, body: '{}', active, created_at: T })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const pledges = { codeOld: await pledge('code', 1, 'all', 0), code: await pledge('code', 2, 'all', 1), leaders: await pledge('leaders', 1, 'leaders', 1) };
  const signature = (memberId: number, pledgeId: number, day: string) => ({
    member_id: memberId,
    pledge_id: pledgeId,
    campaign_id: null,
    signed_at: `${day}T02:00:00Z`,
    day,
    platform: 'console',
    platform_user_id: String(memberId),
    locale: 'ko',
    text_hash: 'hash',
  });
  await db
    .insertInto('pledge_signatures')
    .values([
      signature(members.m1, pledges.code, '2026-03-05'),
      signature(members.m4, pledges.code, '2026-03-20'),
      signature(members.m2, pledges.codeOld, '2026-03-10'),
      signature(members.m6, pledges.code, '2026-03-02'),
      signature(members.m6, pledges.leaders, '2026-03-02'),
    ])
    .execute();

  const announcement = async (day: string, audience: object, ack: number, status: 'sent' | 'draft') =>
    (
      await db
        .insertInto('announcements')
        .values({ author_member_id: members.m6, title: `message ${day}`, body: '…', audience: JSON.stringify(audience), ack_required: ack, status, template: null, send_at: null, day, recipients: 0, created_at: T, confirmed_at: null })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const toAll = await announcement('2026-03-04', { all: true }, 1, 'sent');
  const toAudit = await announcement('2026-03-10', { departments: ['본부/감사과'] }, 1, 'sent');
  const noAck = await announcement('2026-03-11', { all: true }, 0, 'sent');
  await announcement('2026-03-12', { all: true }, 1, 'draft');
  const later = await announcement('2026-03-20', { all: true }, 1, 'sent');
  const ack = (announcementId: number, memberId: number, day: string) => ({ announcement_id: announcementId, member_id: memberId, acknowledged_at: `${day}T03:00:00Z`, day, platform: 'console' });
  await db
    .insertInto('acknowledgements')
    .values([
      ack(toAll, members.m1, '2026-03-04'),
      ack(toAll, members.m4, '2026-03-05'),
      ack(toAll, members.m6, '2026-03-04'),
      ack(toAll, members.m7, '2026-03-04'),
      ack(toAll, members.m2, '2026-03-09'),
      ack(toAudit, members.m2, '2026-03-10'),
      ack(noAck, members.m1, '2026-03-11'),
      ack(later, members.m1, '2026-03-20'),
    ])
    .execute();

  const schedule = (await db
    .insertInto('schedules')
    .values({ name: 'daily-quiz', kind: 'quiz', cron: '0 9 * * 1-5', timezone: 'Asia/Seoul', audience: '{"all":true}', delivery: 'dm', working_days_only: 1, enabled: 1, paused: 0, created_at: T, updated_at: T })
    .returning('id')
    .executeTakeFirstOrThrow()).id;
  const run = async (day: string) =>
    (
      await db
        .insertInto('job_runs')
        .values({ schedule_id: schedule, slot: `${day}T00:00:00.000Z`, day, status: 'planned', reason: null, planned: 0, payload: '{}', created_at: `${day}T00:00:00Z` })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const delivery = (jobRunId: number, memberId: number | null, status: 'sent' | 'failed' | 'skipped' | 'pending') => ({
    job_run_id: jobRunId,
    member_id: memberId,
    recipient: memberId === null ? 'channel:console:quiz' : `member:${memberId}`,
    status,
    attempts: 1,
    next_attempt_at: T,
    claimed_by: null,
    claimed_until: null,
    platform: 'console',
    message_ref: null,
    error: status === 'failed' ? 'dm_closed' : null,
    created_at: T,
    sent_at: null,
  });
  // Leadership messages go out through the reserved schedule, one run per message.
  const system = (await db
    .insertInto('schedules')
    .values({ name: 'system:announcement', kind: 'announcement', cron: '0 0 1 1 *', timezone: 'Asia/Seoul', audience: '{"all":true}', delivery: 'dm', working_days_only: 0, enabled: 0, paused: 0, created_at: T, updated_at: T })
    .returning('id')
    .executeTakeFirstOrThrow()).id;
  const messageRun = async (id: number, day: string) =>
    (
      await db
        .insertInto('job_runs')
        .values({ schedule_id: system, slot: `announcement:${id}`, day, status: 'planned', reason: null, planned: 0, payload: JSON.stringify({ announcementId: id }), created_at: `${day}T00:00:00Z` })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const toAllRun = await messageRun(toAll, '2026-03-04');
  const toAuditRun = await messageRun(toAudit, '2026-03-10');
  const march3 = await run('2026-03-03');
  const march10 = await run('2026-03-10');
  const march16 = await run('2026-03-16');
  await db
    .insertInto('deliveries')
    .values([
      delivery(march3, members.m1, 'sent'),
      delivery(march3, members.m3, 'sent'),
      delivery(march3, members.m4, 'failed'),
      delivery(march3, members.m5, 'skipped'),
      delivery(march3, null, 'sent'),
      delivery(march10, members.m1, 'sent'),
      delivery(march10, members.m2, 'sent'),
      delivery(march10, members.m4, 'sent'),
      delivery(march10, members.m5, 'pending'),
      delivery(march16, members.m1, 'sent'),
      // m5's DM was closed: the message never reached them.
      delivery(toAllRun, members.m1, 'sent'),
      delivery(toAllRun, members.m3, 'sent'),
      delivery(toAllRun, members.m4, 'sent'),
      delivery(toAllRun, members.m5, 'failed'),
      delivery(toAllRun, members.m6, 'sent'),
      delivery(toAuditRun, members.m1, 'sent'),
      delivery(toAuditRun, members.m2, 'sent'),
      delivery(toAuditRun, members.m4, 'sent'),
    ])
    .execute();

  return { hq, audit, general, members, topics, pledges };
}
