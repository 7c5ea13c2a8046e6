/**
 * Holdout groups through the real engine and scheduler, on SQLite and PostgreSQL: a quiz schedule
 * that holds out a stratified quarter, the planner skipping them, the split recorded once and kept,
 * the effect report for officers only, a letter with a holdout, and the refusals.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { composers, planners } from '../../src/app.js';
import { runCli } from '../../src/cli.js';
import { importRoster } from '../../src/features/people/roster.import.js';
import { toSchedule } from '../../src/scheduler/schedules.repository.js';
import type { Reply } from '../../src/engine/reply.js';
import { newcombe } from '../../src/features/holdout/effect.js';
import { effectReport } from '../../src/features/holdout/holdout.report.js';
import { syncScheduleCampaigns } from '../../src/features/holdout/holdout.schedules.js';
import { translator } from '../../src/i18n/index.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { parseSchedules } from '../../src/scheduler/schedules.js';
import type { Form } from '../../src/ui/form.js';
import { DIALECTS } from '../support/databases.js';
import { buttonsOf, createHarness, SHIPPED_CONTENT, textOf, type Harness } from '../support/harness.js';

const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const errorOf = (reply: Reply) => (reply.kind === 'ephemeral' ? reply.error?.code : undefined);
const EMPLOYEES = [...Array.from({ length: 12 }, (_, i) => `1${String(i).padStart(3, '0')},감사${i},a${i}@city.example,행정국/감사과,employee,ko`), ...Array.from({ length: 12 }, (_, i) => `5${String(i).padStart(3, '0')},복지${i},b${i}@city.example,복지국,employee,ko`)];
const ROSTER = ['employee_no,name,email,department,roles,locale', ...EMPLOYEES, '3001,최담당,choi@city.example,행정국/감사과,hr,ko', '4001,정관리,jung@city.example,복지국,admin,ko'].join('\n');
const EVERYONE = [...EMPLOYEES.map((l) => l.split(',')[0]!), '3001', '4001'];

const schedules = (holdout: string) => `schedules:
  - name: daily-quiz
    kind: quiz
    cron: "0 9 * * 1-5"
    audience: all
    delivery: dm
    holdout: ${holdout}
    outcome: participation
    weeks: 2
`;

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function heldOutNos(key: string): Promise<string[]> {
  const rows = await h.services.db
    .selectFrom('holdout_assignments')
    .innerJoin('campaigns', 'campaigns.id', 'holdout_assignments.campaign_id')
    .innerJoin('members', 'members.id', 'holdout_assignments.member_id')
    .select('members.employee_no')
    .where('campaigns.key', '=', key)
    .where('holdout_assignments.held_out', '=', 1)
    .orderBy('members.employee_no')
    .execute();
  return rows.map((r) => r.employee_no!);
}

async function deliveredNos(kind: 'quiz' | 'nudge' | 'announcement' | 'announcement_reminder'): Promise<string[]> {
  const rows = await h.services.db
    .selectFrom('deliveries')
    .innerJoin('job_runs', 'job_runs.id', 'deliveries.job_run_id')
    .innerJoin('schedules', 'schedules.id', 'job_runs.schedule_id')
    .innerJoin('members', 'members.id', 'deliveries.member_id')
    .select('members.employee_no')
    .where('schedules.kind', '=', kind)
    .orderBy('members.employee_no')
    .execute();
  return rows.map((r) => r.employee_no!);
}

async function answerQuiz(no: string): Promise<void> {
  const [first] = buttonsOf(await h.command(no, 'quiz'));
  await h.press(no, first!);
}

describe.each(DIALECTS)('%s: holdout groups', (dialect) => {
  it('GIVEN a quiz schedule holding out 25% THEN each department holds out 3 or 4 of 13, the planner skips them, the split is kept, and officers see the effect', async () => {
    h = await createHarness({ dialect, roster: ROSTER, start: KST('2026-11-30', '08:50'), schedules: schedules('0.25'), env: { PROBITY_MIN_GROUP_SIZE: '5' } });
    const scheduler = new Scheduler(h.services, planners);
    h.clock.set(KST('2026-11-30', '09:00'));
    await scheduler.runDue();
    const heldOut = await heldOutNos('schedule:daily-quiz');
    // 0.25 · 13 = 3.25 in each department, 0.25 · 26 = 6.5 in all.
    const auditHeld = heldOut.filter((no) => no.startsWith('1') || no === '3001').length;
    expect([3, 4]).toContain(auditHeld);
    expect([3, 4]).toContain(heldOut.length - auditHeld);
    expect([6, 7]).toContain(heldOut.length);
    expect(await deliveredNos('quiz')).toEqual(EVERYONE.filter((no) => !heldOut.includes(no)).sort());

    await scheduler.stop();

    // A restart and a roster change: one member moves to 복지국, a newcomer joins 감사과. Nobody
    // already assigned moves; the newcomer is assigned within 감사과 (3 or 4 of its 14 held out);
    // the held-out still get nothing.
    const moved = '1000';
    const changedRoster = ROSTER.replace(`${moved},감사0,a0@city.example,행정국/감사과`, `${moved},감사0,a0@city.example,복지국`) + '\n1100,신입,new@city.example,행정국/감사과,employee,ko';
    expect((await importRoster(h.services.db, changedRoster, { sync: false, skipInvalid: false, today: '2026-11-30', nowIso: h.clock.now().toISOString(), actorLabel: 'test' })).imported).toBe(true);
    const restarted = new Scheduler(h.services, planners);
    h.clock.set(KST('2026-12-01', '09:00'));
    await restarted.runDue();
    await restarted.stop();
    const after = await heldOutNos('schedule:daily-quiz');
    expect(after.filter((no) => !heldOut.includes(no))).toEqual(after.includes('1100') ? ['1100'] : []);
    expect(after).toEqual(expect.arrayContaining(heldOut));
    expect([3, 4]).toContain(auditHeld + (after.includes('1100') ? 1 : 0));
    expect(Number((await h.services.db.selectFrom('holdout_assignments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(EVERYONE.length + 1);
    expect((await deliveredNos('quiz')).filter((no) => after.includes(no))).toEqual([]);

    // Every treated member takes the quiz; one of the held-out does so on their own.
    const treated = [...EVERYONE, '1100'].filter((n) => !after.includes(n));
    for (const no of treated) await answerQuiz(no);
    await answerQuiz(after[0]!);

    expect(errorOf(await h.command('1000', 'report', 'effect', 'daily-quiz'))).toBe('error.forbidden');
    const shown = textOf(await h.command('3001', 'report', 'effect', 'daily-quiz'));
    const [nt, nh] = [treated.length, after.length];
    const expected = newcombe(nt, nt, 1, nh);
    expect(shown).toContain(`100.0% (${nt}/${nt}명, 배정 ${nt}명)`);
    expect(shown).toContain(`${(100 / nh).toFixed(1)}% (1/${nh}명, 배정 ${nh}명)`);
    expect(shown).toContain(`+${(Math.round(expected.estimate * 1000) / 10).toFixed(1)}%p (95% 신뢰구간 +${(Math.round(expected.lower * 1000) / 10).toFixed(1)} ~ +${(Math.round(expected.upper * 1000) / 10).toFixed(1)}%p)`);
    expect(shown).toContain('2026-11-30 ~ 2026-12-13');
    expect(await h.services.db.selectFrom('audit_log').select('action').where('action', '=', 'report.effect').execute()).toHaveLength(1);

    // Below the minimum group size nothing is estimated.
    const source = { db: h.services.db, t: translator('ko'), today: '2026-12-01', config: { minGroupSize: nh + 1 } };
    expect((await effectReport(source, 'daily-quiz')).comparison.difference).toBeNull();
    expect(errorOf(await h.command('3001', 'report', 'effect', 'weekly-nudge'))).toBe('holdout.report.unknown');

    // A campaign under way keeps its declaration; the same one syncs again without complaint.
    const changed = parseSchedules(schedules('0.3'), 'Asia/Seoul').schedules;
    expect((await syncScheduleCampaigns(h.services.db, changed, h.services.content.topics, h.clock.now().toISOString())).map((p) => p.code)).toEqual(['holdout.error.redeclared']);
    const same = parseSchedules(schedules('0.25'), 'Asia/Seoul').schedules;
    expect(await syncScheduleCampaigns(h.services.db, same, h.services.content.topics, h.clock.now().toISOString())).toEqual([]);
    expect(textOf(await h.command('3001', 'report', 'effect', 'daily-quiz'))).not.toContain('비교군도 이 일정을 받을 수 있어');

    // The holdout taken off the schedule: the held-out are sent it again, and the report says so.
    const plain = parseSchedules(schedules('0.25').replace(/    holdout: .*\n    outcome: .*\n    weeks: .*\n/, ''), 'Asia/Seoul').schedules;
    expect(plain[0]?.holdout).toBeUndefined();
    expect(await syncScheduleCampaigns(h.services.db, plain, h.services.content.topics, h.clock.now().toISOString())).toEqual([]);
    const later = new Scheduler(h.services, planners);
    h.clock.set(KST('2026-12-02', '09:00'));
    await later.runDue();
    await later.stop();
    expect(await deliveredNos('quiz')).toEqual(expect.arrayContaining(after));
    expect(textOf(await h.command('3001', 'report', 'effect', 'daily-quiz'))).toContain('비교군도 이 일정을 받을 수 있어');
  });

  it('GIVEN a nudge series measured on topic accuracy THEN the held-out get no nudge and the report counts each person\'s first answer on the topic in the window', async () => {
    const nudges = `schedules:\n  - name: gift-nudges\n    kind: nudge\n    cron: "0 14 * * 3"\n    holdout: 0.25\n    outcome: topic_accuracy\n    topic: graft-act\n    weeks: 1\n`;
    h = await createHarness({ dialect, roster: ROSTER, contentDirs: [SHIPPED_CONTENT], start: KST('2026-12-02', '13:50'), schedules: nudges, env: { PROBITY_MIN_GROUP_SIZE: '5' } });
    const scheduler = new Scheduler(h.services, planners);
    h.clock.set(KST('2026-12-02', '14:00'));
    await scheduler.runDue();
    await scheduler.stop();
    const heldOut = await heldOutNos('schedule:gift-nudges');
    expect(heldOut).toHaveLength(6);
    expect(await deliveredNos('nudge')).toEqual(EVERYONE.filter((no) => !heldOut.includes(no)).sort());

    const question = async (topicIs: boolean) =>
      (await h.services.db.selectFrom('questions').select('id').where('topic', topicIs ? '=' : '<>', 'graft-act').orderBy('id').executeTakeFirstOrThrow()).id;
    const [onTopic, offTopic] = [await question(true), await question(false)];
    const members = await h.services.db.selectFrom('members').select(['id', 'employee_no']).execute();
    const answer = (memberId: number, questionId: number, day: string, correct: boolean) => ({ member_id: memberId, question_id: questionId, quiz_day: day, choice_index: 0, correct: correct ? 1 : 0, platform: 'console', answered_at: `${day}T01:00:00.000Z` });
    const rows = members.flatMap((m) => {
      const held = heldOut.includes(m.employee_no!);
      return [
        // Before the window (ignored), the first answer on the topic in it (counted), a later one (ignored), another topic (ignored).
        answer(m.id, onTopic, '2026-12-01', !held ? false : true),
        answer(m.id, onTopic, '2026-12-03', !held),
        answer(m.id, onTopic, '2026-12-04', held),
        answer(m.id, offTopic, '2026-12-07', held),
      ];
    });
    // Two treated members never answer on the topic in the window: not measured.
    const unmeasured = members.filter((m) => !heldOut.includes(m.employee_no!)).slice(0, 2).map((m) => m.id);
    await h.services.db.insertInto('quiz_answers').values(rows.filter((r) => !(unmeasured.includes(r.member_id) && r.quiz_day !== '2026-12-01'))).execute();
    const shown = textOf(await h.command('4001', 'report', 'effect', 'gift-nudges'));
    expect(shown).toContain('주제 정답률 (graft-act)');
    expect(shown).toContain('100.0% (18/18명, 배정 20명)');
    expect(shown).toContain('0.0% (0/6명, 배정 6명)');
    expect(shown).toContain('2026-12-02 ~ 2026-12-08');
  });

  it('GIVEN a letter with a holdout THEN the held-out are not its audience; a mandatory letter with a holdout is refused and nothing is saved', async () => {
    h = await createHarness({ dialect, roster: ROSTER, start: KST('2026-11-30', '10:00') });
    expect(errorOf(await h.command('3001', 'announce', 'mandatory', 'holdout', '0.1', 'outcome', 'participation'))).toBe('holdout.error.mandatory_letter');
    expect(errorOf(await h.command('3001', 'announce', 'holdout', '0.1'))).toBe('holdout.error.outcome_missing');
    expect(errorOf(await h.command('3001', 'announce', 'holdout', '0.1', 'outcome', 'participation', 'colour', 'red'))).toBe('holdout.error.letter_option');
    expect(await h.services.db.selectFrom('announcements').select('id').execute()).toEqual([]);
    expect(await h.services.db.selectFrom('campaigns').select('id').execute()).toEqual([]);

    const reply = await h.command('3001', 'announce', 'holdout', '10%', 'outcome', 'pledge_signing', 'weeks', '3');
    if (reply.kind !== 'form') throw new Error(`expected a form: ${textOf(reply)}`);
    const form: Form = reply.form;
    const values = Object.fromEntries(form.fields.map((f) => [f.id, f.initial ?? '']));
    const preview = await h.submit('3001', form.id, { ...values, title: '청렴 당부', body: '본문입니다.', audience: 'all' });
    expect(textOf(preview)).toContain('비교군 10% · 결과 지표 서약 서명 · 3주');
    const sendButton = buttonsOf(preview).find((b) => b.actionId.includes('send'))!;
    await h.press('3001', sendButton);
    await h.press('3001', sendButton);
    const heldOut = await heldOutNos('letter:1');
    // 0.1 · 13 = 1.3 in each of the two departments, 2.6 in all.
    expect([2, 3]).toContain(heldOut.length);
    expect(await deliveredNos('announcement')).toEqual(EVERYONE.filter((no) => !heldOut.includes(no)).sort());
    expect((await h.services.db.selectFrom('announcements').select(['recipients', 'mandatory']).executeTakeFirstOrThrow())).toEqual({ recipients: EVERYONE.length - heldOut.length, mandatory: 0 });
    // Nor are they reminded of it, or counted in its acknowledgement, or able to acknowledge it.
    expect(textOf(await h.command('3001', 'announce', 'remind', '1'))).toContain(String(EVERYONE.length - heldOut.length));
    expect(await deliveredNos('announcement_reminder')).toEqual(EVERYONE.filter((no) => !heldOut.includes(no)).sort());
    expect(textOf(await h.command('3001', 'announce', 'status', '1'))).toContain(`0/${EVERYONE.length - heldOut.length}`);
  });

  it('GIVEN a scheduled letter with a holdout WHEN it is cancelled THEN there is no effect to report', async () => {
    h = await createHarness({ dialect, roster: ROSTER, start: KST('2026-11-30', '10:00') });
    const reply = await h.command('3001', 'announce', 'holdout', '0.2', 'outcome', 'participation');
    if (reply.kind !== 'form') throw new Error(`expected a form: ${textOf(reply)}`);
    const values = Object.fromEntries(reply.form.fields.map((f) => [f.id, f.initial ?? '']));
    const preview = await h.submit('3001', reply.form.id, { ...values, title: '청렴 당부', body: '본문입니다.', audience: 'all', send: '2026-12-02 10:00' });
    await h.press('3001', buttonsOf(preview).find((b) => b.actionId.includes('send'))!);
    expect(textOf(await h.command('3001', 'report', 'effect', 'letter:1'))).toContain('효과 보고서: letter:1');
    expect(textOf(await h.command('3001', 'announce', 'cancel', '1'))).toContain('#1');
    expect(errorOf(await h.command('3001', 'report', 'effect', 'letter:1'))).toBe('holdout.report.cancelled');
  });

  it('GIVEN a quiz schedule with topic weights THEN its treated members are asked on the weighted topic, and the weights belong to the declaration', async () => {
    const weighted = `${schedules('0.25')}    topicWeights: { budget-execution: 100, graft-act: 0 }\n`;
    h = await createHarness({ dialect, roster: ROSTER, start: KST('2026-11-30', '08:50'), schedules: weighted });
    const scheduler = new Scheduler(h.services, planners);
    h.clock.set(KST('2026-11-30', '09:00'));
    await scheduler.runDue();
    await scheduler.stop();
    const jobRun = await h.services.db.selectFrom('job_runs').selectAll().executeTakeFirstOrThrow();
    const schedule = toSchedule(await h.services.db.selectFrom('schedules').selectAll().executeTakeFirstOrThrow());
    const rows = await h.services.db.selectFrom('deliveries').selectAll().execute();
    for (const delivery of rows) {
      const member = await h.services.db.selectFrom('members').selectAll().where('id', '=', delivery.member_id!).executeTakeFirstOrThrow();
      expect(await composers['quiz']!(h.services, { delivery, jobRun, schedule, member, platform: 'console' })).not.toBeNull();
    }
    const topics = await h.services.db.selectFrom('quiz_assignments').innerJoin('questions', 'questions.id', 'quiz_assignments.question_id').select('questions.topic').execute();
    expect(topics).toHaveLength(EVERYONE.length - (await heldOutNos('schedule:daily-quiz')).length);
    expect(new Set(topics.map((t) => t.topic))).toEqual(new Set(['budget-execution']));
    // Changing the weights of a campaign under way is changing its declaration.
    const changed = parseSchedules(weighted.replace('graft-act: 0', 'graft-act: 1'), 'Asia/Seoul').schedules;
    expect((await syncScheduleCampaigns(h.services.db, changed, h.services.content.topics, h.clock.now().toISOString())).map((p) => p.code)).toEqual(['holdout.error.redeclared']);
    const unknownTopic = parseSchedules(weighted.replace('graft-act: 0', 'bribes: 2').replace('daily-quiz', 'other-quiz'), 'Asia/Seoul').schedules;
    expect((await syncScheduleCampaigns(h.services.db, unknownTopic, h.services.content.topics, h.clock.now().toISOString())).map((p) => p.code)).toEqual(['holdout.error.topic_unknown']);
  });

  it('GIVEN the help THEN officers are told the letter options and the effect report, in Korean and English; employees are not', async () => {
    h = await createHarness({ dialect, roster: `${ROSTER}\n6001,Kim,kim@city.example,복지국,hr,en` });
    const help = textOf(await h.command('3001', 'help'));
    expect(help).toContain('`announce mandatory`: 필수 서한');
    expect(help).toContain('`announce holdout 10% outcome participation|pledge_signing|topic_accuracy [topic <주제>] [weeks <주>]`');
    expect(help).toContain('`/integrity report effect <캠페인>`');
    const english = textOf(await h.command('6001', 'help'));
    expect(english).toContain('`announce mandatory`: a mandatory letter');
    expect(english).toContain('`announce holdout 10% outcome');
    expect(textOf(await h.command('1000', 'help'))).not.toMatch(/holdout|report effect/);
    expect(textOf(await h.command('3001', 'report'))).toContain('`report effect <캠페인>`');
  });

  it('refuses a holdout on the pledge reminder, on other kinds and on channel posts, naming the schedule', () => {
    const entry = (kind: string, delivery = 'dm') => `schedules:\n  - name: s-${kind.replace("_", "-")}\n    kind: ${kind}\n    cron: "0 9 * * 1-5"\n    delivery: ${delivery}\n    holdout: 0.1\n    outcome: participation\n`;
    expect(parseSchedules(entry('pledge_reminder'), 'Asia/Seoul').problems).toEqual([{ schedule: 's-pledge-reminder', code: 'holdout.error.legally_required_pledge' }]);
    expect(parseSchedules(entry('pulse_reminder'), 'Asia/Seoul').problems.map((p) => p.code)).toEqual(['holdout.error.kind']);
    expect(parseSchedules(entry('nudge', 'channel:slack:C123'), 'Asia/Seoul').problems.map((p) => p.code)).toEqual(['holdout.error.channel']);
    expect(parseSchedules(entry('nudge').replace('holdout: 0.1', 'topicWeights: { graft-act: 2 }\n    holdout: 0.1'), 'Asia/Seoul').problems.map((p) => p.code)).toEqual(['holdout.error.weights_kind']);
    expect(parseSchedules(entry('quiz').replace(/    holdout: 0.1\n    outcome: participation\n/, '    topicWeights: { graft-act: 2 }\n'), 'Asia/Seoul').problems.map((p) => p.code)).toEqual(['holdout.error.weights_without_holdout']);
    expect(parseSchedules(entry('nudge'), 'Asia/Seoul').schedules[0]?.holdout).toEqual({ fraction: 0.1, outcome: 'participation', topic: null, weeks: 4, start: null });
  });
});

describe('npm run cli -- help', () => {
  it('names report effect in Korean and English', async () => {
    for (const [locale, line] of [['ko', 'report effect <캠페인>'], ['en', 'report effect <campaign>']] as const) {
      const out: string[] = [];
      expect(await runCli(['help'], { out: (s) => out.push(s), err: (s) => out.push(s) }, { DATABASE_URL: 'sqlite:unused.sqlite', PROBITY_LOCALE: locale })).toBe(0);
      expect(out.join('\n')).toContain(line);
    }
  });
});
