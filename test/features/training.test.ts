/**
 * The anti-corruption training ledger through the real engine (issue 16, part 1): recording is all or
 * nothing and idempotent, the two-hour rule with face-to-face sessions for new hires and promoted
 * staff, a member's own status, completion figures by role and scope with the minimum group size,
 * reminders to those short (capped) with an aggregate to their managers, and the roster's new columns.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { composers, planners } from '../../src/app.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import type { Reply } from '../../src/engine/reply.js';
import { importRoster } from '../../src/features/people/roster.import.js';
import { parseLedger, type LedgerRow } from '../../src/features/training/training.js';
import { recordLedger } from '../../src/features/training/training.repository.js';
import { statusesFor, trainingFigures } from '../../src/features/training/training.stats.js';
import { ensureDepartment, UNASSIGNED_DEPARTMENT } from '../../src/features/people/people.repository.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { DIALECTS, type DialectName } from '../support/databases.js';
import { FakePort } from '../support/fakePort.js';
import { createHarness, textOf, type Harness } from '../support/harness.js';
import { trainingRoster } from './training-fixture.js';

const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const noSleep = async () => undefined;
const errorOf = (reply: Reply) => (reply.kind === 'ephemeral' ? reply.error?.code : undefined);

const EVERYONE = ['0001', '9001', '1100', '1101', '1102', '1103', '1104', '1105', '1201', '1202', '1203', '1204', '1205'];

const row = (employeeNo: string, day: string, title: string, kind: LedgerRow['kind'], minutes: number, at = 1): LedgerRow => ({ row: at, employeeNo, day, title, kind, minutes });

let h: Harness;
afterEach(async () => {
  await h?.close();
  h = undefined as unknown as Harness;
});

/** The harness, a new hire (1106) joining 감사과 on 10 November, and this year's sessions. */
async function setUp(dialect: DialectName, env: Record<string, string> = {}, schedules?: string) {
  h = await createHarness({ dialect, roster: trainingRoster(), start: KST('2026-11-27', '09:30'), env: { PROBITY_MIN_GROUP_SIZE: '5', ...env }, ...(schedules ? { schedules } : {}) });
  const hire = await importRoster(h.services.db, trainingRoster(['1106,신규,new@city.example,시청/감사과,employee,ko,,']), { sync: false, skipInvalid: false, today: '2026-11-10', nowIso: KST('2026-11-10', '09:00'), actorLabel: 'test' });
  expect(hire.added).toBe(1);
  const rows = [
    ...['1101', '1102', '1103', '0001'].map((no) => row(no, '2026-04-10', '청렴 집합교육', 'face_to_face', 120)),
    ...['1104', '1201', '1202', '1203', '1204', '1205'].map((no) => row(no, '2026-05-20', '청탁금지법 이러닝', 'elearning', 60)),
  ];
  const recorded = await recordLedger(h.services.db, rows, { nowIso: KST('2026-11-27', '09:00'), actorLabel: 'test', source: 'test' });
  expect(recorded).toMatchObject({ recorded: true, sessionsAdded: 2, attendanceAdded: 10 });
  return h;
}

async function count(table: 'training_sessions' | 'training_attendance' | 'training_reminders'): Promise<number> {
  const r = await h.services.db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

describe.each(DIALECTS)('%s', (dialect) => {
  it('GIVEN a recorded file WHEN it is recorded again THEN nothing is counted twice; an unknown employee number names its row and field and records nothing', async () => {
    await setUp(dialect);
    const again = parseLedger(['date,title,kind,minutes,employee_no', '2026-04-10,청렴 집합교육,집합,120,1101', '2026-04-10,청렴 집합교육,face_to_face,120,1105'].join('\n'));
    expect(again.problems).toEqual([]);
    const second = await recordLedger(h.services.db, again.rows, { nowIso: KST('2026-11-27', '10:00'), actorLabel: 'test', source: 'test' });
    expect(second).toMatchObject({ recorded: true, sessionsAdded: 0, sessionsKnown: 1, attendanceAdded: 1, attendanceKnown: 1 });
    expect([await count('training_sessions'), await count('training_attendance')]).toEqual([2, 11]);

    const bad = parseLedger(['date,title,kind,minutes,employee_no', '2026-06-01,새 교육,online,60,1101', '2026-06-01,새 교육,online,60,7777'].join('\n'));
    const refused = await recordLedger(h.services.db, bad.rows, { nowIso: KST('2026-11-27', '10:00'), actorLabel: 'test', source: 'test' });
    expect(refused.recorded).toBe(false);
    expect(refused.problems).toEqual([{ row: 3, field: 'employee_no', code: 'training.error.unknown_employee_no', params: { value: '7777' } }]);
    expect([await count('training_sessions'), await count('training_attendance')]).toEqual([2, 11]);
    const audits = await h.services.db.selectFrom('audit_log').select('action').where('action', '=', 'training.record').execute();
    expect(audits).toHaveLength(2);
  });

  it('GIVEN this year\'s sessions WHEN members ask for their own status THEN minutes, the face-to-face duty of new hires and promoted staff, and the quiz caveat are shown', async () => {
    await setUp(dialect);
    const short = textOf(await h.command('1104', 'training'));
    expect(short).toContain('60분 / 120분');
    expect(short).toContain('60분 더 필요');
    expect(short).toContain('2026-05-20 청탁금지법 이러닝 · 이러닝 · 60분');
    expect(short).toContain('퀴즈(마이크로러닝)는 이 교육 시간에 포함되지 않습니다');
    expect(short).not.toContain('대면 교육 필요');
    const promoted = textOf(await h.command('1103', 'training'));
    expect(promoted).toContain('올해 이수 요건 충족');
    expect(promoted).toContain('승진자 대면 교육: 대면 교육 이수');
    // Joined on 10 November, after the first roster load: a new hire with 90 days for a face-to-face session.
    const hire = textOf(await h.command('1106', 'training'));
    expect(hire).toContain('신규 임용자 대면 교육: 2027-02-08까지 대면 교육 필요');
    expect(hire).toContain('올해 기록된 교육이 아직 없습니다');
    // Everyone who came with the first load is no new hire.
    expect(textOf(await h.command('1101', 'training'))).not.toContain('신규 임용자');
    // Nobody adds sessions in chat: the officer is pointed to the command line.
    expect(errorOf(await h.command('9001', 'training', 'add'))).toBe('training.error.chat_add');
    expect(errorOf(await h.command('1101', 'training', 'add'))).toBe('training.error.usage');
  });

  it('GIVEN the ledger WHEN officers and managers ask for training statistics THEN completion against the roster, the split, the face-to-face share and the head are shown within their scope', async () => {
    await setUp(dialect);
    const org = textOf(await h.command('9001', 'stats', 'training', '2026'));
    expect(org).toContain('청렴교육 이수 현황 · 전체 기관 · 2026년');
    expect(org).toContain('이수 요건 충족: 28.6% (4/14)');
    expect(org).toContain('120분 이상 이수: 28.6% (4/14)');
    // One new hire and one promoted member: groups below the minimum size, their rates hidden.
    expect(org).toContain('신규 임용자 대면 교육 (1명): 비공개');
    expect(org).toContain('승진자 대면 교육 (1명): 비공개');
    // 480 of 840 minutes face to face, among ten people trained.
    expect(org).toContain('대면 교육 시간 비율: 57.1%');
    expect(org).toContain('기관장 참석: 참석 (120분)');
    expect(org).toContain('부서별 이수 요건 충족률**\n- 시청 (14): 28.6%');

    const manager = textOf(await h.command('1100', 'stats', 'training'));
    expect(manager).toContain('시청/감사과');
    expect(manager).toContain('이수 요건 충족: 37.5% (3/8)');
    expect(manager).not.toContain('기관장 참석');
    expect(errorOf(await h.command('1100', 'stats', 'training', '2026', '시청/총무과'))).toBe('stats.error.out_of_scope');
    expect(errorOf(await h.command('1101', 'stats', 'training'))).toBe('stats.error.employee');

    // By the end of May only the April and May sessions: the same people, as of that day.
    const may = textOf(await h.command('9001', 'stats', 'training', '2026-05'));
    expect(may).toContain('2026-05-31 기준');
    const audit = await h.services.db.selectFrom('audit_log').select('details').where('action', '=', 'stats.training').execute();
    expect(audit).toHaveLength(3);
  });

  it('GIVEN people short of the requirement WHEN the reminder schedule runs THEN from the configured month they are reminded up to the cap, and their managers get counts, never names', async () => {
    const schedules = ['schedules:', '  - name: training-reminder', '    kind: training_reminder', '    cron: "0 10 * * 1-5"', '    audience: all', '    delivery: dm', '    workingDaysOnly: true'].join('\n');
    await setUp(dialect, { PROBITY_TRAINING_REMINDER_FROM: '12', PROBITY_TRAINING_REMINDER_MAX: '2' }, schedules);
    for (const no of [...EVERYONE, '1106']) await h.command(no, 'whoami');
    const port = new FakePort('console');
    const dispatcher = new Dispatcher(h.services, [port], { composers, sleep: noSleep });
    const scheduler = new Scheduler(h.services, planners);
    const sentTo = new Map<string, string[]>();
    for (const day of ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03']) {
      h.clock.set(KST(day, '10:00'));
      await scheduler.runDue();
      await dispatcher.drainDue();
      for (const s of port.sent.splice(0)) {
        const to = s.recipient.kind === 'user' ? s.recipient.userId : '';
        sentTo.set(to, [...(sentTo.get(to) ?? []), textOf({ kind: 'ephemeral', message: s.message })]);
      }
      // 1201 completes the two hours on the first day of reminders: no second reminder.
      if (day === '2026-12-01') await recordLedger(h.services.db, [row('1201', '2026-12-01', '보충 교육', 'online', 60)], { nowIso: KST(day, '11:00'), actorLabel: 'test', source: 'test' });
    }
    await scheduler.stop();
    const counts = Object.fromEntries([...sentTo].map(([no, texts]) => [no, texts.length]));
    // November is before the configured month: nothing. Then two reminders each, 1201 one; the
    // complete (1101, 1102, 1103) none; managers an aggregate with each run that reminds anyone,
    // and nothing once everyone short has had the maximum (3 December).
    expect(counts).toEqual({ '9001': 2, '1100': 2, '1104': 2, '1105': 2, '1106': 2, '1201': 1, '1202': 2, '1203': 2, '1204': 2, '1205': 2, '0001': 2 });
    const chief = sentTo.get('1100')!;
    expect(chief[0]).toContain('올해 청렴교육을 0분 이수했습니다');
    expect(chief[0]).toContain('시청/감사과에서 7명 중 4명이 아직 2026년 청렴교육 요건을 채우지 못했습니다');
    expect(sentTo.get('0001')![1]).toContain('시청에서 13명 중 9명이');
    expect(sentTo.get('0001')![0]).toContain('시청에서 13명 중 10명이');
    expect(sentTo.get('0001')![0]).not.toContain('감사4');
    expect(sentTo.get('1205')![0]).toContain('completed 60 minutes');
    expect(await count('training_reminders')).toBe(19);
  });

  it('GIVEN a roster without the new columns WHEN it is imported again THEN promotion days and the head flag stay; a bad value names its row', async () => {
    await setUp(dialect);
    const plain = trainingRoster(['1106,신규,new@city.example,시청/감사과,employee,ko,,'])
      .split('\n')
      .map((line) => line.split(',').slice(0, 6).join(','))
      .join('\n');
    const result = await importRoster(h.services.db, plain, { sync: false, skipInvalid: false, today: '2026-11-27', nowIso: KST('2026-11-27', '12:00'), actorLabel: 'test' });
    expect(result).toMatchObject({ imported: true, updated: 0, added: 0 });
    const kept = await h.services.db.selectFrom('members').select(['employee_no', 'promoted_on', 'is_head']).where('employee_no', 'in', ['0001', '1103', '1101']).orderBy('employee_no').execute();
    expect(kept.map((m) => [m.employee_no, m.promoted_on, Number(m.is_head)])).toEqual([['0001', null, 1], ['1101', null, 0], ['1103', '2026-03-02', 0]]);

    const bad = trainingRoster().replace('1102,감사2,a2@city.example,시청/감사과,employee,ko,,', '1102,감사2,a2@city.example,시청/감사과,employee,ko,2026-02-30,maybe');
    const refused = await importRoster(h.services.db, bad, { sync: false, skipInvalid: false, today: '2026-11-27', nowIso: KST('2026-11-27', '12:00'), actorLabel: 'test' });
    expect(refused.imported).toBe(false);
    expect(refused.problems.map((p) => [p.row, p.code])).toEqual([[6, 'roster.error.promoted_on'], [6, 'roster.error.head']]);

    const promoted = trainingRoster().replace('1101,감사1,a1@city.example,시청/감사과,employee,ko,,', '1101,감사1,a1@city.example,시청/감사과,employee,ko,2026-11-20,');
    expect(await importRoster(h.services.db, promoted, { sync: false, skipInvalid: false, today: '2026-11-27', nowIso: KST('2026-11-27', '12:00'), actorLabel: 'test' })).toMatchObject({ imported: true, updated: 1 });
    const due = textOf(await h.command('1101', 'training'));
    expect(due).toContain('승진자 대면 교육: 2027-02-18까지 대면 교육 필요');
    // The two hours are done (April's session), the promotion's face-to-face session is not.
    expect(due).toContain('상태: 2시간은 채웠고 대면 교육이 남았습니다');
  });
  it('GIVEN someone who used the bot before the roster was loaded WHEN the roster adopts them THEN only those added by a later import are new hires', async () => {
    h = await createHarness({ dialect, roster: null, start: KST('2026-02-16', '09:30') });
    const db = h.services.db;
    // 최담당 (9001) wrote to the bot in February, before anyone was on the roster (as enrolment writes it).
    const unassigned = await ensureDepartment(db, [UNASSIGNED_DEPARTMENT], KST('2026-02-16', '09:30'));
    await db.insertInto('members').values({ employee_no: null, name: 'choi', email: 'choi@city.example', department_id: unassigned, roles: 'employee', locale: null, preferred_locale: null, source: 'enrolled', joined_on: '2026-02-16', left_on: null, created_at: KST('2026-02-16', '09:30'), updated_at: KST('2026-02-16', '09:30') }).execute();
    const first = await importRoster(db, trainingRoster(), { sync: false, skipInvalid: false, today: '2026-03-02', nowIso: KST('2026-03-02', '09:00'), actorLabel: 'test' });
    expect(first).toMatchObject({ imported: true, firstImport: true, added: 12, updated: 1 });
    const later = await importRoster(db, trainingRoster(['1106,신규,new@city.example,시청/감사과,employee,ko,,']), { sync: false, skipInvalid: false, today: '2026-05-04', nowIso: KST('2026-05-04', '09:00'), actorLabel: 'test' });
    expect(later).toMatchObject({ imported: true, firstImport: false, added: 1 });

    const statuses = await statusesFor(db, 2026, '2026-06-30', 90);
    expect(statuses).toHaveLength(14);
    expect(statuses.filter((s) => s.status.newHire.required).map((s) => s.person.employeeNo)).toEqual(['1106']);
    expect(statuses.find((s) => s.person.employeeNo === '1106')!.status.newHire).toEqual({ required: true, due: '2026-08-02', met: false });
    const figures = await trainingFigures(db, { year: 2026, asOf: '2026-06-30', departmentId: null, minGroupSize: 1, newHireDays: 90 });
    expect(figures.newHires.count).toBe(1);
  });
});
