/**
 * The integrity plan tracker through the real engine (issue 15), on SQLite and PostgreSQL: the example
 * plan loads whole or not at all, a changed plan is a new version with check-ins kept on the old
 * task, one check-in per task and month, a manager answering for an owner, roles in the views, the
 * check-in schedule with reminders that stop, and the planning group's report.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { composers, planners } from '../../src/app.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import type { Reply } from '../../src/engine/reply.js';
import { loadPlanFile, PlanError, planCli } from '../../src/features/plan/plan.commands.js';
import { importRoster } from '../../src/features/people/roster.import.js';
import { checkPlan, loadPlan } from '../../src/features/plan/plan.repository.js';
import { readXlsx } from '../../src/features/stats/xlsx.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { Form } from '../../src/ui/form.js';
import { DIALECTS, type DialectName } from '../support/databases.js';
import { FakePort } from '../support/fakePort.js';
import { recordLedger } from '../../src/features/training/training.repository.js';
import { buttonsOf, createHarness, SHIPPED_CONTENT, textOf, type Harness } from '../support/harness.js';

const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const EXAMPLE = 'examples/plan.yaml';
const ROSTER = readFileSync('examples/roster.csv', 'utf8');
const errorOf = (reply: Reply) => (reply.kind === 'ephemeral' ? reply.error?.code : undefined);
const formOf = (reply: Reply): Form => {
  if (reply.kind !== 'form') throw new Error(`expected a form, got ${reply.kind}: ${textOf(reply)}`);
  return reply.form;
};

let h: Harness;
afterEach(async () => {
  await h?.close();
  h = undefined as unknown as Harness;
});

async function harness(dialect: DialectName, schedules?: string): Promise<Harness> {
  h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT], roster: ROSTER, start: KST('2026-06-01', '09:30'), ...(schedules ? { schedules } : {}) });
  await loadPlanFile(h.services.db, 'ko', EXAMPLE, h.clock.now().toISOString());
  return h;
}

const count = async (table: 'plans' | 'plan_tasks' | 'plan_checkins') => Number((await h.services.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe.each(DIALECTS)('integrity plan tracker (%s)', (dialect) => {
  it('GIVEN the example plan WHEN loaded THEN 3 strategies, 6 core and 15 detailed tasks; loading it again adds no version', async () => {
    await harness(dialect);
    expect(await count('plans')).toBe(1);
    expect(await count('plan_tasks')).toBe(15);
    const again = await loadPlanFile(h.services.db, 'ko', EXAMPLE, h.clock.now().toISOString());
    expect(again.status).toBe('unchanged');
    expect(await count('plans')).toBe(1);
    const view = textOf(await h.command('1001', 'plan'));
    expect(view.match(/^\*\*S\d /gm)).toHaveLength(3);
    expect(view.match(/^▸ /gm)).toHaveLength(6);
    expect(view).not.toContain('메모');
  });

  it('GIVEN a task owned by a department missing from the roster THEN the error names the task and nothing is loaded', async () => {
    h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT], roster: ROSTER, start: KST('2026-06-01', '09:30') });
    const bad = readFileSync(EXAMPLE, 'utf8').replace('owner: 시장실', 'owner: 없는국/없는과');
    const checked = await checkPlan(h.services.db, bad);
    expect(checked.plan).toBeUndefined();
    expect(checked.problems).toEqual([{ item: 'S1-2-1', field: 'owner', code: 'plan.check.owner_unknown', params: { value: '없는국/없는과' } }]);
    await expect(loadPlanFile(h.services.db, 'en', '/nonexistent/plan.yaml', h.clock.now().toISOString())).rejects.toThrow(PlanError);
    expect(await count('plans')).toBe(0);
  });

  it('GIVEN a check-in WHEN the same form is submitted twice THEN one check-in is kept; a changed plan is a new version and the check-in stays on its task', async () => {
    await harness(dialect);
    // 1004 manages 행정국/총무과, the owner of S1-1-1.
    const reply = await h.command('1004', 'plan', 'checkin', 'S1-1-1', 'at_risk');
    const form = formOf(reply);
    // Where the form cannot open (a Discord button), the fallback names the command that opens it, in the member's words.
    if (reply.kind === 'form') expect(reply.fallback.text).toContain('`/integrity plan checkin S1-1-1 위험 <진행률> [메모]`');
    const fields = { progress: '40', note: '일정 조정 중', evidence: 'DOC-2026-001' };
    expect(textOf(await h.submit('1004', form.id, fields))).toContain('S1-1-1 2026-06 점검을 기록했습니다: 위험 40%');
    expect(errorOf(await h.submit('1004', form.id, fields))).toBe('plan.error.already');
    expect(await count('plan_checkins')).toBe(1);
    // A mistyped status is named as such, even on a task already checked in.
    expect(errorOf(await h.command('1004', 'plan', 'checkin', 'S1-1-1', 'bogus'))).toBe('plan.error.status');
    const before = await h.services.db.selectFrom('plan_checkins').select('plan_task_id').executeTakeFirstOrThrow();

    const file = (await checkPlan(h.services.db, readFileSync(EXAMPLE, 'utf8').replace('전 직원 청렴교육 이수', '전 직원 청렴교육 100% 이수'))).plan!;
    const revised = await loadPlan(h.services.db, file, h.clock.now().toISOString());
    expect([revised.status, revised.plan.version]).toEqual(['revised', 2]);
    const after = await h.services.db.selectFrom('plan_checkins').select('plan_task_id').executeTakeFirstOrThrow();
    expect(after.plan_task_id).toBe(before.plan_task_id);
    const oldTask = await h.services.db.selectFrom('plan_tasks').innerJoin('plans', 'plans.id', 'plan_tasks.plan_id').select(['plans.version', 'plan_tasks.task_key']).where('plan_tasks.id', '=', after.plan_task_id).executeTakeFirstOrThrow();
    expect(oldTask).toEqual({ version: 1, task_key: 'S1-1-1' });
    // A card's button from before a plan that no longer has the task (or another plan) records nothing.
    const card = await h.command('1006', 'plan', 'checkin', 'S2-1-3');
    const other = (await checkPlan(h.services.db, readFileSync(EXAMPLE, 'utf8').replace('id: integrity-plan-2026', 'id: integrity-plan-2026-b'))).plan!;
    await loadPlan(h.services.db, other, h.clock.now().toISOString());
    expect(errorOf(await h.press('1006', buttonsOf(card)[0]!))).toBe('error.stale_action');
    await loadPlan(h.services.db, file, h.clock.now().toISOString());
    expect(formOf(await h.press('1006', buttonsOf(card)[0]!)).fields).toHaveLength(3);
    // The new version still knows this month's check-in for the task: no second one.
    expect(errorOf(await h.command('1004', 'plan', 'checkin', 'S1-1-1', 'done'))).toBe('plan.error.already');
    expect(textOf(await h.command('1002', 'plan', 'status'))).toContain('일정 조정 중');
  });

  it('GIVEN the progress and a note typed after the status THEN the check-in is recorded without a form (where none opens), checked like the form', async () => {
    await harness(dialect);
    expect(errorOf(await h.command('1006', 'plan', 'checkin', 'S2-1-3', '위험', '120', '메모'))).toBe('plan.error.progress');
    expect(errorOf(await h.command('1006', 'plan', 'checkin', 'S2-1-3', 'done', '80'))).toBe('plan.error.done_progress');
    expect(await count('plan_checkins')).toBe(0);
    expect(textOf(await h.command('1006', 'plan', 'checkin', 'S2-1-3', '위험', '40%', '업체', '면담', '일정', '조정'))).toContain('✅ S2-1-3 2026-06 점검을 기록했습니다: 위험 40%');
    expect(errorOf(await h.command('1006', 'plan', 'checkin', 'S2-1-3', '위험', '40'))).toBe('plan.error.already');
    const row = await h.services.db.selectFrom('plan_checkins').select(['task_key', 'status', 'progress', 'note', 'evidence']).executeTakeFirstOrThrow();
    expect(row).toEqual({ task_key: 'S2-1-3', status: 'at_risk', progress: 40, note: '업체 면담 일정 조정', evidence: null });
    expect(errorOf(await h.command('1005', 'plan', 'checkin', 'S3-2-1', 'on_track', '10'))).toBe('plan.error.not_owner');
  });

  it('GIVEN roles THEN an employee cannot check in for another department or read notes; a manager sees only their subtree', async () => {
    await harness(dialect);
    expect(errorOf(await h.command('1001', 'plan', 'checkin', 'S1-1-1', 'done'))).toBe('plan.error.not_owner');
    expect(errorOf(await h.command('1001', 'plan', 'status'))).toBe('error.forbidden');
    // 1007 manages 경제국: answers for 경제국/투자유치과 too, and sees that subtree.
    const form = formOf(await h.command('1007', 'plan', 'checkin', 'S2-1-3', 'done'));
    expect(errorOf(await h.submit('1007', form.id, { progress: '90', note: '', evidence: '' }))).toBe('plan.error.done_progress');
    expect(errorOf(await h.submit('1007', form.id, { progress: '1000', note: '', evidence: '' }))).toBe('plan.error.progress');
    // Too long (the console does not hold a field to its length): refused and named, never cut.
    const tooLong = await h.submit('1007', form.id, { progress: '100', note: '가'.repeat(501), evidence: '' });
    expect([errorOf(tooLong), tooLong.kind === 'ephemeral' && tooLong.error?.field]).toEqual(['plan.error.too_long', 'note']);
    expect(textOf(tooLong)).toContain('메모(간단히)는 500자까지입니다 (지금 501자)');
    expect(errorOf(await h.submit('1007', form.id, { progress: '100', note: '', evidence: 'x'.repeat(301) }))).toBe('plan.error.too_long');
    expect(await count('plan_checkins')).toBe(0);
    expect(textOf(await h.submit('1007', form.id, { progress: '100', note: '', evidence: '' }))).toContain('정성실 님 대신');
    // A linked figure the statistics do not have (no one on their roster yet) is shown as such and never flagged.
    const officer = textOf(await h.command('1002', 'plan', 'status'));
    expect(officer).toContain('퀴즈 참여율 집계 없음 (목표 80%)');
    expect(officer).not.toContain('지표 미달: 퀴즈 참여율');
    expect(textOf(await h.command('1002', 'plan', 'status', '경제국'))).not.toContain('S1-1-1');
    const status = textOf(await h.command('1007', 'plan', 'status'));
    expect(status).toContain('S2-1-3');
    expect(status).toContain('S3-1-2');
    expect(status).not.toContain('S1-1-1');
    expect(errorOf(await h.command('1006', 'plan', 'status', '행정국'))).toBe('plan.error.out_of_scope');
  });

  it('GIVEN quarterly milestones THEN a task past one with less progress than it expects is late, and no longer once the progress is reported', async () => {
    await harness(dialect);
    // S3-1-2 (경제국): milestones 03-31, 06-30, 09-30, 12-15 expecting 25, 50, 75 and 100%.
    const line = async () => textOf(await h.command('1002', 'plan', 'status')).split('\n').find((l) => l.includes('S3-1-2'))!;
    const missed = async () => textOf(await h.command('1002', 'plan', 'status')).match(/이정표 미달: .*/)?.[0];
    expect(await line()).toContain('🔴 **S3-1-2**');
    expect(await missed()).toBe('이정표 미달: 2026-03-31 1분기: 개선 과제 도출 — 기대 진행률 25%, 보고 0%');
    const ask = textOf(await h.command('1007', 'plan', 'checkin', 'S3-1-2'));
    expect(ask).toContain('03-31 1분기: 개선 과제 도출 (25%) · 06-30 2분기: 부서별 계획 수립 (50%)');
    await h.submit('1007', formOf(await h.command('1007', 'plan', 'checkin', 'S3-1-2', '순조')).id, { progress: '30', note: '', evidence: '' });
    expect(await line()).toContain('🟢 **S3-1-2**');
    expect(await missed()).toBeUndefined();
    // The second quarter's milestone passes with 30% reported: late until July's check-in says 50% or more.
    h.clock.set(KST('2026-07-01', '09:30'));
    expect(await missed()).toBe('이정표 미달: 2026-06-30 2분기: 부서별 계획 수립 — 기대 진행률 50%, 보고 30%');
    const reply = await h.command('1002', 'report', 'plan');
    expect(reply.kind === 'ephemeral' && reply.message.text).toContain('S3-1-2 설문 결과 부서별 개선 조치 (경제국) — 지연 30% · 이정표 미달: 2026-06-30 2분기: 부서별 계획 수립');
    await h.submit('1007', formOf(await h.command('1007', 'plan', 'checkin', 'S3-1-2', '순조')).id, { progress: '55', note: '', evidence: '' });
    expect(await line()).toContain('🟢 **S3-1-2**');
    // A task reported done is not asked about again in a later month.
    expect(textOf(await h.command('1007', 'plan', 'checkin'))).toContain('S2-1-3');
    h.clock.set(KST('2026-08-03', '09:30'));
    expect(textOf(await h.command('1007', 'plan', 'checkin'))).toContain('S3-1-2');
    await h.submit('1007', formOf(await h.command('1007', 'plan', 'checkin', 'S3-1-2', '완료')).id, { progress: '100', note: '', evidence: '' });
    h.clock.set(KST('2026-09-01', '09:30'));
    const owed = textOf(await h.command('1007', 'plan', 'checkin'));
    expect(owed).toContain('S2-1-3');
    expect(owed).not.toContain('S3-1-2');
    // After the plan's year, the command says why nothing can be checked in.
    h.clock.set(KST('2027-01-04', '09:30'));
    expect(errorOf(await h.command('1007', 'plan', 'checkin'))).toBe('plan.error.out_of_year');
    expect(errorOf(await h.command('1007', 'plan', 'checkin', 'S2-1-3', '순조', '50'))).toBe('plan.error.out_of_year');
  });

  it('GIVEN the training indicator THEN it reads the training ledger: flagged below target, not once everyone has the two hours', async () => {
    // After the fixture roster's import day (2026-11-02), so that the eight are on the roster.
    h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT], roster: ROSTER, start: KST('2026-11-27', '09:30') });
    await loadPlanFile(h.services.db, 'ko', EXAMPLE, h.clock.now().toISOString());
    expect(textOf(await h.command('1002', 'plan', 'status'))).toContain('지표 미달: 청렴교육 이수율 0.0% (목표 100%)');
    // Six of the eight take a two-hour face-to-face session: 75%, still below the target.
    const row = (employeeNo: string, i: number) => ({ row: i + 2, employeeNo, day: '2026-04-10', title: '상반기 청렴교육', kind: 'face_to_face' as const, minutes: 120 });
    await recordLedger(h.services.db, ['1001', '1002', '1003', '1004', '1005', '1006'].map(row), { nowIso: h.clock.now().toISOString(), actorLabel: 'test', source: 'test' });
    expect(textOf(await h.command('1002', 'plan', 'status'))).toContain('지표 미달: 청렴교육 이수율 75.0% (목표 100%)');
    await recordLedger(h.services.db, ['1007', '1008'].map(row), { nowIso: h.clock.now().toISOString(), actorLabel: 'test', source: 'test' });
    const status = textOf(await h.command('1002', 'plan', 'status'));
    expect(status).not.toContain('지표 미달: 청렴교육 이수율');
    expect(status).toContain('청렴교육 이수율 100.0% (목표 100%)');
  });

  it('GIVEN the plan_checkin schedule THEN owners are asked, reminded up to the maximum, and nobody who checked in is asked again', async () => {
    const schedules = ['schedules:', '  - name: plan-checkin', '    kind: plan_checkin', '    cron: "0 10 * * 1"', '    audience: all', '    delivery: dm', '    workingDaysOnly: true'].join('\n');
    h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT], roster: ROSTER, start: KST('2026-06-01', '09:30'), env: { PROBITY_PLAN_CHECKIN_MAX: '2' }, schedules });
    await loadPlanFile(h.services.db, 'ko', EXAMPLE, h.clock.now().toISOString());
    for (const no of ['1002', '1004', '1006', '1007', '1008']) await h.command(no, 'whoami');
    const port = new FakePort('console');
    const dispatcher = new Dispatcher(h.services, [port], { composers, sleep: async () => undefined });
    const scheduler = new Scheduler(h.services, planners);
    const sentTo = () => port.sent.map((s) => (s.recipient.kind === 'user' ? s.recipient.userId : '')).sort();
    h.clock.set(KST('2026-06-01', '10:00'));
    await scheduler.runDue();
    await dispatcher.drainDue();
    // Owners: 1002 (named on S1-1-2 and the 감사과 tasks), 1004 (named on S1-2-2), the managers of the owner departments.
    expect(sentTo()).toEqual(['1002', '1004', '1006', '1007', '1008']);
    const ask = port.sent.find((s) => s.recipient.kind === 'user' && s.recipient.userId === '1006')!;
    expect(textOf({ kind: 'ephemeral', message: ask.message })).toContain('이번 달 청렴 추진계획 점검 요청입니다');
    // 1006 checks in on both of their tasks; 1004's status button opens the form.
    for (const taskKey of ['S2-1-3', 'S3-2-1']) {
      const form = formOf(await h.command('1006', 'plan', 'checkin', taskKey, '순조'));
      await h.submit('1006', form.id, { progress: '50', note: '', evidence: '' });
    }
    const pressed = formOf(await h.press('1004', buttonsOf({ kind: 'ephemeral', message: port.sent.find((s) => s.recipient.kind === 'user' && s.recipient.userId === '1004')!.message })[0]!));
    expect(pressed.fields.map((f) => f.id)).toEqual(['progress', 'note', 'evidence']);
    port.sent.length = 0;
    for (const day of ['2026-06-08', '2026-06-15']) {
      h.clock.set(KST(day, '10:00'));
      await scheduler.runDue();
      await dispatcher.drainDue();
    }
    await scheduler.stop();
    // One reminder each (the maximum of two messages a month), and none for 1006 who answered.
    expect(sentTo()).toEqual(['1002', '1004', '1007', '1008']);
    expect(textOf({ kind: 'ephemeral', message: port.sent[0]!.message })).toContain('(2/2)');
  });

  it('GIVEN an owner member who has left THEN the owner department\'s managers are asked, and once they have left too the managers of the department above', async () => {
    const schedules = ['schedules:', '  - name: plan-checkin', '    kind: plan_checkin', '    cron: "0 10 * * 1"', '    audience: all', '    delivery: dm', '    workingDaysOnly: true'].join('\n');
    h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT], roster: ROSTER, start: KST('2026-11-09', '09:30'), schedules });
    // S2-1-3 (경제국/투자유치과) owned by 1005; S3-2-1 of the same department checked in, so that only S2-1-3 is asked about there.
    const file = (await checkPlan(h.services.db, readFileSync(EXAMPLE, 'utf8').replace('    owner: 경제국/투자유치과\n    due: 2026-08-31', '    owner: 경제국/투자유치과\n    member: "1005"\n    due: 2026-08-31'))).plan!;
    await loadPlan(h.services.db, file, h.clock.now().toISOString());
    for (const no of ['1005', '1006', '1007']) await h.command(no, 'whoami');
    await h.submit('1006', formOf(await h.command('1006', 'plan', 'checkin', 'S3-2-1', '순조')).id, { progress: '50', note: '', evidence: '' });
    await h.submit('1007', formOf(await h.command('1007', 'plan', 'checkin', 'S3-1-2', '순조')).id, { progress: '50', note: '', evidence: '' });
    const port = new FakePort('console');
    const dispatcher = new Dispatcher(h.services, [port], { composers, sleep: async () => undefined });
    const scheduler = new Scheduler(h.services, planners);
    const askedAbout = (employeeNo: string) =>
      port.sent.filter((s) => s.recipient.kind === 'user' && s.recipient.userId === employeeNo).flatMap((s) => textOf({ kind: 'ephemeral', message: s.message }).match(/S\d-\d-\d(?= )/g) ?? []);
    const slot = async (day: string) => {
      port.sent.length = 0;
      h.clock.set(KST(day, '10:00'));
      await scheduler.runDue();
      await dispatcher.drainDue();
    };
    const leave = async (employeeNo: string, today: string) => {
      const rows = ROSTER.split('\n').filter((line) => !line.startsWith(`${employeeNo},`) && !gone.has(line.slice(0, 4)));
      gone.add(employeeNo);
      const result = await importRoster(h.services.db, rows.join('\n'), { sync: true, skipInvalid: false, today, nowIso: h.clock.now().toISOString(), actorLabel: 'test' });
      expect(result.imported).toBe(true);
    };
    const gone = new Set<string>();
    await slot('2026-11-09');
    expect(askedAbout('1005')).toEqual(['S2-1-3']);
    expect(askedAbout('1006')).toEqual([]);
    await leave('1005', '2026-11-10');
    await slot('2026-11-16');
    expect(askedAbout('1006')).toEqual(['S2-1-3']);
    expect(errorOf(await h.command('1007', 'plan', 'checkin', 'S2-1-3', 'bogus'))).toBe('plan.error.status');
    await leave('1006', '2026-11-17');
    await slot('2026-11-23');
    await scheduler.stop();
    // No manager left in 투자유치과: the manager of 경제국 above it is asked.
    expect(askedAbout('1007')).toEqual(['S2-1-3']);
    const form = formOf(await h.command('1007', 'plan', 'checkin', 'S2-1-3', '위험'));
    // Now the one who answers for it: their own check-in, not one on someone's behalf.
    expect(textOf(await h.submit('1007', form.id, { progress: '20', note: '', evidence: '' }))).toContain('✅ S2-1-3 2026-11 점검을 기록했습니다: 위험 20%');
  });

  it('GIVEN a task with no owner member and no manager up the tree WHEN the plan is checked THEN a warning names it and the plan still checks', async () => {
    h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT], roster: ROSTER, start: KST('2026-06-01', '09:30') });
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    const file = join(dir, 'plan.yaml');
    writeFileSync(file, readFileSync(EXAMPLE, 'utf8').replace('    owner: 행정국\n    member: "1004"\n', '    owner: 행정국\n'));
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    // A folder, or a file saved as EUC-KR: named, nothing loaded, no crash.
    const euckr = join(dir, 'euc-kr.yaml');
    writeFileSync(euckr, Buffer.from([0x69, 0x64, 0x3a, 0x20, 0xb0, 0xa1, 0x0a]));
    for (const [path, problem] of [[dir, '읽을 수 있는 파일이 아닙니다'], [euckr, 'UTF-8 파일이 아닙니다']] as const) {
      expect(await planCli(h.services.config, h.services.db, 'load', path, io, h.clock.now().toISOString())).toBe(1);
      expect(err.pop()).toContain(`${path}: plan · -: ${problem}`);
    }
    expect(await count('plans')).toBe(0);
    expect(await planCli(h.services.config, h.services.db, 'check', file, io, h.clock.now().toISOString())).toBe(0);
    expect(err).toEqual([`${file}: 주의 — S1-2-2 과제는 담당자(member)가 없고 담당 부서 행정국 및 상위 부서에 간부가 없어 점검을 물을 사람이 없습니다.`]);
    err.length = 0;
    expect(await planCli(h.services.config, h.services.db, 'check', EXAMPLE, io, h.clock.now().toISOString())).toBe(0);
    expect(err).toEqual([]);
  });

  it('GIVEN check-ins WHEN the report is made THEN a summary sheet and one sheet per strategy, Markdown and HTML with the chart and the at-risk list, audit-logged', async () => {
    await harness(dialect);
    const form = formOf(await h.command('1004', 'plan', 'checkin', 'S1-1-1', '위험'));
    await h.submit('1004', form.id, { progress: '30', note: '강사 섭외 지연', evidence: '' });
    expect(errorOf(await h.command('1001', 'report', 'plan'))).toBe('error.forbidden');
    const reply = await h.command('1002', 'report', 'plan', '2026-06-30');
    if (reply.kind !== 'ephemeral') throw new Error(reply.kind);
    const [xlsx, md, html] = reply.message.files!;
    const sheets = await readXlsx(xlsx!.data);
    expect(sheets.map((s) => s.name)).toEqual(['요약', 'S1 청렴 문화 확산', 'S2 부패 위험 관리', 'S3 청렴 체감도 향상']);
    // Late: S2-1-2 and S2-2-1 past their due dates, S3-1-2 past its first quarterly milestone with nothing reported.
    expect(sheets[0]!.rows.at(-1)).toEqual(['합계', 15, 0, 1, 3, 0, 11, 2]);
    const s1 = sheets[1]!.rows.find((r) => r[1] === 'S1-1-1')!;
    expect([s1[9], s1[10], s1[12]]).toEqual(['위험', 30, '강사 섭외 지연']);
    const markdown = new TextDecoder().decode(md!.data);
    expect(markdown).toContain('| S1 청렴 문화 확산 | 5 | 0 | 1 |');
    expect(markdown).toContain('- S1-1-1 전 직원 청렴교육 이수 (행정국/총무과) — 위험 30%');
    expect(new TextDecoder().decode(html!.data)).toMatch(/<svg[^>]*>.*<rect[^>]*width="\d+"/s);
    const audit = await h.services.db.selectFrom('audit_log').select('action').where('action', '=', 'report.plan').execute();
    expect(audit).toHaveLength(1);
  });
});
