/**
 * The statistics recomputed the slow, obvious way from raw rows (quiz_answers, deliveries,
 * acknowledgements, member_departments), written independently of counts.ts and aggregates.ts, so the
 * fast path can be checked against it. Only the final suppression and figure building (report.ts) is shared.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { parseRoles } from '../../src/engine/roles.js';
import type { DepartmentCounts, DirectCounts, WorkingDays } from '../../src/features/stats/counts.js';
import { weeksOf, type Period } from '../../src/features/stats/period.js';
import { addDays } from '../../src/time.js';

export async function naiveCounts(db: Kysely<Database>, period: Period, calendar: WorkingDays): Promise<DepartmentCounts> {
  const departments = (await db.selectFrom('departments').selectAll().orderBy('path').execute()).map((d) => ({ id: d.id, parentId: d.parent_id, path: d.path, name: d.name }));
  const members = await db.selectFrom('members').selectAll().orderBy('id').execute();
  const spans = await db.selectFrom('member_departments').selectAll().execute();
  const answers = await db.selectFrom('quiz_answers').innerJoin('questions', 'questions.id', 'quiz_answers.question_id').select(['quiz_answers.member_id', 'quiz_answers.quiz_day', 'quiz_answers.correct', 'questions.topic']).execute();
  const pledges = (await db.selectFrom('pledges').selectAll().where('active', '=', 1).orderBy('pack').orderBy('slug').execute()).map((p) => ({
    id: p.id,
    pack: p.pack,
    slug: p.slug,
    key: `${p.pack}/${p.slug}`,
    version: p.version,
    audience: p.audience === 'leaders' ? ('leaders' as const) : ('all' as const),
  }));
  const signatures = await db.selectFrom('pledge_signatures').selectAll().execute();
  const announcements = (await db.selectFrom('announcements').selectAll().orderBy('day').orderBy('id').execute())
    .filter((a) => (a.status === 'sent' || a.status === 'scheduled') && a.day !== null && a.day >= period.from && a.day <= period.to)
    .map((a) => ({ id: a.id, title: a.title, day: a.day!, status: a.status, ackRequired: a.ack_required === 1 }));
  const acks = await db.selectFrom('acknowledgements').selectAll().execute();
  const deliveries = await db.selectFrom('deliveries').innerJoin('job_runs', 'job_runs.id', 'deliveries.job_run_id').select(['deliveries.job_run_id', 'deliveries.member_id', 'deliveries.status', 'job_runs.day']).execute();
  const runs = await db.selectFrom('job_runs').innerJoin('schedules', 'schedules.id', 'job_runs.schedule_id').select(['job_runs.id', 'job_runs.slot', 'job_runs.day', 'job_runs.status', 'schedules.kind', 'schedules.name']).execute();

  const days: string[] = [];
  for (let d = period.from; d <= period.to; d = addDays(d, 1)) days.push(d);
  const weeks = weeksOf(period).map((w) => ({ ...w, workingDays: days.filter((d) => d >= w.from && d <= w.to && calendar.isWorkingDay(d)).length }));
  /** The span covering the day, if any. */
  const spanOn = (memberId: number, day: string) => spans.find((s) => s.member_id === memberId && s.from_day <= day && (s.to_day === null || day < s.to_day))?.department_id;
  const departmentOn = (member: (typeof members)[number], day: string) => spanOn(member.id, day) ?? member.department_id;
  const active = (member: (typeof members)[number], day: string) => member.joined_on <= day && (member.left_on === null || day < member.left_on);

  const direct = new Map<number, DirectCounts>();
  const get = (id: number) => {
    let c = direct.get(id);
    if (!c) {
      c = {
        headcount: 0,
        joiners: 0,
        leavers: 0,
        participants: 0,
        answeredWorkingDays: 0,
        activeWorkingDays: 0,
        topics: new Map(),
        weekHeadcount: weeks.map(() => 0),
        weekParticipants: weeks.map(() => 0),
        pledges: new Map(pledges.map((p) => [p.id, { eligible: 0, signed: 0 }])),
        announcements: new Map(announcements.map((a) => [a.id, { recipients: 0, acknowledged: 0, failed: 0 }])),
        deliveries: { sent: 0, failed: 0, skipped: 0 },
      };
      direct.set(id, c);
    }
    return c;
  };
  for (const d of departments) get(d.id);

  // A message's audience is whoever has an outbox row in its run, delivered or not; they count where they were that day (or when they joined).
  for (const a of announcements) {
    const run = runs.find((r) => r.name === 'system:announcement' && r.slot === `announcement:${a.id}`);
    for (const d of deliveries.filter((x) => run && x.job_run_id === run.id && x.member_id !== null)) {
      const member = members.find((m) => m.id === d.member_id)!;
      const dept = spanOn(member.id, member.joined_on > a.day ? member.joined_on : a.day);
      if (dept === undefined) continue;
      get(dept).announcements.get(a.id)!.recipients++;
      if (acks.some((k) => k.announcement_id === a.id && k.member_id === member.id)) get(dept).announcements.get(a.id)!.acknowledged++;
      if (d.status === 'failed') get(dept).announcements.get(a.id)!.failed++;
    }
  }

  for (const member of members) {
    const activeDays = days.filter((d) => active(member, d));
    const activeWorking = activeDays.filter((d) => calendar.isWorkingDay(d));
    if (activeWorking.length === 0) continue;
    const last = activeDays[activeDays.length - 1]!;
    const c = get(departmentOn(member, last));
    c.headcount++;
    if (member.joined_on >= period.from && member.joined_on <= period.to) c.joiners++;
    if (member.left_on !== null && member.left_on > period.from && member.left_on <= period.to) c.leavers++;
    c.activeWorkingDays += activeWorking.length;
    const mine = answers.filter((a) => a.member_id === member.id && activeDays.includes(a.quiz_day));
    if (mine.length > 0) c.participants++;
    c.answeredWorkingDays += mine.filter((a) => calendar.isWorkingDay(a.quiz_day)).length;
    for (const topic of new Set(mine.map((a) => a.topic))) {
      const on = mine.filter((a) => a.topic === topic);
      const t = c.topics.get(topic) ?? { answered: 0, correct: 0, answerers: 0 };
      t.answered += on.length;
      t.correct += on.filter((a) => a.correct === 1).length;
      t.answerers++;
      c.topics.set(topic, t);
    }
    weeks.forEach((w, i) => {
      const inWeek = activeDays.filter((d) => d >= w.from && d <= w.to);
      if (!inWeek.some((d) => calendar.isWorkingDay(d))) return;
      c.weekHeadcount[i]!++;
      if (mine.some((a) => inWeek.includes(a.quiz_day))) c.weekParticipants[i]!++;
    });
    if (active(member, period.to)) {
      for (const p of pledges) {
        if (p.audience === 'leaders' && !parseRoles(member.roles).includes('manager')) continue;
        c.pledges.get(p.id)!.eligible++;
        if (signatures.some((s) => s.pledge_id === p.id && s.member_id === member.id && s.day <= period.to)) c.pledges.get(p.id)!.signed++;
      }
    }
  }

  const unattributedDeliveries = { sent: 0, failed: 0, skipped: 0 };
  for (const d of deliveries) {
    if (d.day < period.from || d.day > period.to || !(d.status === 'sent' || d.status === 'failed' || d.status === 'skipped')) continue;
    const dept = d.member_id === null ? undefined : spanOn(d.member_id, d.day);
    (dept === undefined ? unattributedDeliveries : get(dept).deliveries)[d.status]++;
  }

  const topics = new Set<string>();
  for (const c of direct.values()) for (const t of c.topics.keys()) topics.add(t);
  return {
    period,
    workingDays: days.filter((d) => calendar.isWorkingDay(d)).length,
    quizDaysHeld: new Set(runs.filter((r) => r.kind === 'quiz' && r.status === 'planned' && r.day >= period.from && r.day <= period.to).map((r) => r.day)).size,
    weeks,
    departments,
    topics: [...topics].sort(),
    pledges,
    announcements,
    direct,
    unattributedDeliveries,
  };
}
