/**
 * /integrity stats, export and report through the engine: who sees which scope, the chart and the
 * files that come back, and that small groups stay hidden in chat as in the files.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/engine/reply.js';
import { pngSize } from '../../src/features/stats/chart.js';
import { readXlsx } from '../../src/features/stats/xlsx.js';
import { DIALECTS } from '../support/databases.js';
import { createHarness, textOf, type Harness } from '../support/harness.js';

let h: Harness;
afterEach(async () => h?.close());

/** 21 people: 행정국 (2, manager 2001), 감사과 (6, hr 3001), 총무과 (6), 복지국 (4), 노인복지과 (3). */
function roster(): string {
  const rows = ['employee_no,name,email,department,roles,locale'];
  const add = (no: number, department: string, roles = 'employee') => rows.push(`${no},직원${no},p${no}@city.example,${department},${roles},ko`);
  add(2001, '행정국', 'manager');
  add(2002, '행정국');
  add(3001, '행정국/감사과', 'hr');
  for (let i = 1; i <= 5; i++) add(3100 + i, '행정국/감사과');
  for (let i = 1; i <= 6; i++) add(3200 + i, '행정국/총무과');
  add(4001, '복지국', 'manager');
  for (let i = 1; i <= 3; i++) add(4000 + i + 1, '복지국');
  for (let i = 1; i <= 3; i++) add(4100 + i, '복지국/노인복지과');
  return rows.join('\n');
}

/** Answers on three November working days for everyone but 3201 and 4101. */
async function seedAnswers(): Promise<void> {
  const { db } = h.services;
  const question = await db.selectFrom('questions').select('id').executeTakeFirstOrThrow();
  const members = await db.selectFrom('members').select(['id', 'employee_no']).execute();
  for (const m of members) {
    if (m.employee_no === null || m.employee_no === '3201' || m.employee_no === '4101') continue;
    for (const day of ['2026-11-16', '2026-11-17', '2026-11-18']) {
      await db.insertInto('quiz_answers').values({ member_id: m.id, question_id: question.id, quiz_day: day, choice_index: 0, correct: 1, platform: 'console', answered_at: `${day}T00:10:00.000Z` }).execute();
    }
  }
}

function filesOf(reply: Reply) {
  return reply.kind === 'ephemeral' || reply.kind === 'post' || reply.kind === 'replace' ? (reply.message.files ?? []) : [];
}

describe.each(DIALECTS)('%s: statistics in chat', (dialect) => {
  it('GIVEN hr WHEN they ask for this month THEN a summary against the roster comes with a PNG chart', async () => {
    h = await createHarness({ dialect, roster: roster(), start: '2026-11-20T03:00:00Z' });
    await seedAnswers();
    const reply = await h.command('3001', 'stats', 'month');
    const shown = textOf(reply);
    expect(shown).toContain('전체 기관 (2026-11-01 ~ 2026-11-20)');
    expect(shown).toContain('재직 인원: 21명');
    // 19 of 21 answered.
    expect(shown).toContain('퀴즈 참여율: 90.5%');
    const [chart] = filesOf(reply);
    expect(chart!.contentType).toBe('image/png');
    expect(pngSize(chart!.data).width).toBe(1200);
    expect(chart!.data.length).toBeGreaterThan(10_000);
    const audit = await h.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'stats.view').execute();
    expect(audit).toHaveLength(1);
  });

  it('GIVEN a manager THEN they see their own subtree by default, and a department outside it is refused', async () => {
    h = await createHarness({ dialect, roster: roster(), start: '2026-11-20T03:00:00Z' });
    await seedAnswers();
    const own = textOf(await h.command('2001', 'stats'));
    expect(own).toContain('참여 통계: 행정국');
    expect(own).toContain('재직 인원: 14명');
    const sub = textOf(await h.command('2001', 'stats', 'month', '행정국/감사과'));
    expect(sub).toContain('행정국/감사과');
    const outside = await h.command('2001', 'stats', 'month', '복지국');
    expect(outside.kind === 'ephemeral' && outside.error?.code).toBe('stats.error.out_of_scope');
    const employee = await h.command('3101', 'stats');
    expect(employee.kind === 'ephemeral' && employee.error?.code).toBe('stats.error.employee');
  });

  it('GIVEN 복지국 with a 3-person sub-department THEN its rate is hidden in chat, and the parent shows no figure it could be subtracted from', async () => {
    h = await createHarness({ dialect, roster: roster(), start: '2026-11-20T03:00:00Z' });
    await seedAnswers();
    const shown = textOf(await h.command('4001', 'stats', 'month'));
    // 복지국's subtree (7 people) is shown, its 3-person child is hidden.
    expect(shown).toContain('참여 통계: 복지국');
    expect(shown).toMatch(/복지국\/노인복지과 \(3\): 비공개/);
    // A hidden rate has no rank: the line is a bullet, never "–.".
    expect(shown).toMatch(/^- 복지국\/노인복지과 \(3\): 비공개$/m);
    expect(shown).not.toContain('–.');
  });

  it('GIVEN hr WHEN they export as XLSX and make the annual report THEN the files read back', async () => {
    h = await createHarness({ dialect, roster: roster(), start: '2026-11-20T03:00:00Z' });
    await seedAnswers();
    const exported = await h.command('3001', 'export', 'participation', '2026', 'xlsx');
    const [file] = filesOf(exported);
    expect(file!.name).toBe('probity-participation-2026.xlsx');
    const [sheet] = await readXlsx(file!.data);
    const total = sheet!.rows.find((r) => r[0] === '전체')!;
    expect(total[2]).toBe(21);
    const body = sheet!.rows.slice(1).filter((r) => r !== total);
    expect(body.reduce((sum, r) => sum + Number(r[2]), 0)).toBe(21);
    expect(body.find((r) => r[0] === '복지국/노인복지과')![4]).toBeNull();

    const report = await h.command('3001', 'report', 'annual', '2026');
    expect(filesOf(report).map((f) => f.name)).toEqual(['probity-annual-report-2026.xlsx', 'probity-annual-report-2026.md']);
    expect(textOf(report)).toContain('2026년 청렴 활동 보고서');

    const csv = filesOf(await h.command('3001', 'export', 'topics', 'month'))[0]!;
    expect([...csv.data.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const bad = await h.command('3001', 'export', 'participation', 'someday');
    expect(bad.kind === 'ephemeral' && bad.error?.code).toBe('stats.error.period');
  });
});
