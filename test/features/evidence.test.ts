/**
 * The evidence pack (issue 16, part 2): every file with its assessment area on the summary page, a
 * manifest in sha256sum format, the head's letters counted, and reproducibility: the same data at
 * another time gives the same bytes in every file but GENERATED.txt, workbooks included.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../src/engine/reply.js';
import { buildEvidencePack, evidenceFiles, GENERATED, MANIFEST, SUMMARY, type EvidencePack } from '../../src/features/evidence/evidence.js';
import type { StatsSource } from '../../src/features/stats/exports.js';
import { readXlsx, toXlsx } from '../../src/features/stats/xlsx.js';
import { newcombe } from '../../src/features/holdout/effect.js';
import { recordLedger } from '../../src/features/training/training.repository.js';
import { translator } from '../../src/i18n/index.js';
import { localDay } from '../../src/time.js';
import { decodeAction } from '../../src/ui/actionId.js';
import type { Form } from '../../src/ui/form.js';
import { DIALECTS } from '../support/databases.js';
import { buttonsOf, createHarness, textOf, type Harness } from '../support/harness.js';
import { trainingRoster } from './training-fixture.js';

const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const errorOf = (reply: Reply) => (reply.kind === 'ephemeral' ? reply.error?.code : undefined);
const formOf = (reply: Reply): Form => {
  if (reply.kind !== 'form') throw new Error(`expected a form, got ${reply.kind}: ${textOf(reply)}`);
  return reply.form;
};

let h: Harness;
afterEach(async () => {
  vi.useRealTimers();
  await h?.close();
  h = undefined as unknown as Harness;
});

/** The harness's clock and the system's (which the workbook writer reads) both at `iso`. */
function at(iso: string): void {
  h.clock.set(iso);
  vi.setSystemTime(new Date(iso));
}

function source(locale: 'ko' | 'en' = 'ko'): StatsSource {
  const now = h.clock.now();
  return { ...h.services, t: translator(locale), locale, today: localDay(now, h.services.config.timezone), nowIso: now.toISOString() };
}

/** The head (0001) sends a letter to everyone, through the real form and its send button. */
async function headLetter(): Promise<void> {
  const form = formOf(await h.command('0001', 'announce'));
  const initial = Object.fromEntries(form.fields.map((f) => [f.id, f.initial ?? '']));
  const preview = await h.submit('0001', form.id, { ...initial, title: '연말 청렴 당부', body: '선물은 마음만 주고받습니다.' });
  expect(errorOf(preview), textOf(preview)).toBeUndefined();
  const button = buttonsOf(preview)[0]!;
  expect(decodeAction(button.actionId)?.name).toBe('announce.send');
  const sent = await h.press('0001', button);
  expect(errorOf(sent), textOf(sent)).toBeUndefined();
}

const byName = (pack: EvidencePack) => new Map(pack.files.map((f) => [f.name, f.data]));
const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe.each(DIALECTS)('%s', (dialect) => {
  it('GIVEN a year of records WHEN the pack is generated twice at different times THEN every file but GENERATED.txt is byte-identical, and the manifest checks out', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    h = await createHarness({ dialect, roster: trainingRoster(), start: KST('2026-11-27', '09:30'), env: { PROBITY_MIN_GROUP_SIZE: '5' } });
    at(KST('2026-11-27', '09:30'));
    await recordLedger(h.services.db, ['0001', '1101', '1102'].map((no, i) => ({ row: i + 2, employeeNo: no, day: '2026-04-10', title: '청렴 집합교육', kind: 'face_to_face' as const, minutes: 120 })), { nowIso: h.clock.now().toISOString(), actorLabel: 'test', source: 'test' });
    await headLetter();

    at(KST('2026-12-03', '09:30'));
    const first = await buildEvidencePack(source(), 2026, h.clock.now().toISOString());
    at(KST('2026-12-03', '17:45'));
    const second = await buildEvidencePack(source(), 2026, h.clock.now().toISOString());

    const a = byName(first);
    const b = byName(second);
    expect([...a.keys()]).toEqual([...evidenceFiles(2026).map((f) => f.name), SUMMARY, MANIFEST, GENERATED]);
    const differing = [...a.keys()].filter((name) => Buffer.compare(Buffer.from(a.get(name)!), Buffer.from(b.get(name)!)) !== 0);
    expect(differing).toEqual([GENERATED]);
    expect(new TextDecoder().decode(a.get(GENERATED))).toBe(`생성 시각 (UTC): ${KST('2026-12-03', '09:30')}\n`);
    expect(new TextDecoder().decode(b.get(GENERATED))).toBe(`생성 시각 (UTC): ${KST('2026-12-03', '17:45')}\n`);

    // sha256sum format over every file but the manifest itself and the generation stamp, sorted.
    const manifest = new TextDecoder().decode(a.get(MANIFEST));
    const listed = [...a.keys()].filter((n) => n !== MANIFEST && n !== GENERATED).sort();
    expect(manifest).toBe(listed.map((n) => `${sha(a.get(n)!)}  ${n}\n`).join(''));
    expect(first.manifestSha256).toBe(sha(a.get(MANIFEST)!));

    const summary = new TextDecoder().decode(a.get(SUMMARY));
    expect(summary).toContain('# 2026년 청렴노력도 증빙 자료');
    expect(summary).toContain('| leadership-letters-2026.xlsx | 추진 기반 |');
    expect(summary).toContain('| training-ledger-2026.xlsx | 이행 |');
    expect(summary).toContain('| pulse-results-2026.xlsx | 성과 |');
    expect(summary).toContain('기관장 서한: 1건 (2026-11-27)');
    expect(summary).toContain('부패방지권익위법 시행령 제88조의2');
    expect(summary).toContain('2시간 법정 교육으로 제시하지 않습니다');
    // The annual report in the pack names its as-of day, not the day it was written.
    expect(new TextDecoder().decode(a.get('annual-report-2026.md'))).toContain('기준일 2026-12-03');

    const ledger = await readXlsx(a.get('training-ledger-2026.xlsx')!);
    expect(ledger.map((s) => s.name)).toEqual(['교육 요약', '교육 회차', '개인별 이수']);
    expect(ledger[1]!.rows[1]).toEqual([1, '2026-04-10', '청렴 집합교육', '집합(대면)', 120, 3]);
    expect(ledger[2]!.rows.find((r) => r[2] === '1101')).toEqual(['시청/감사과', '감사1', '1101', 120, 120, '예', null, null, '예']);
    const letters = await readXlsx(a.get('leadership-letters-2026.xlsx')!);
    expect(letters[1]!.rows).toHaveLength(2);
  });

  it('GIVEN campaigns with a holdout WHEN the pack is generated THEN the effect reports of those whose window ended in the year are in it under 성과, small groups hidden', async () => {
    h = await createHarness({ dialect, roster: trainingRoster(), start: KST('2026-11-27', '09:30'), env: { PROBITY_MIN_GROUP_SIZE: '3' } });
    const db = h.services.db;
    const members = await db.selectFrom('members').select(['id', 'employee_no', 'department_id']).where('source', '=', 'roster').orderBy('employee_no').execute();
    expect(members).toHaveLength(13);
    const question = (await db.selectFrom('questions').select('id').limit(1).executeTakeFirstOrThrow()).id;
    const nowIso = h.clock.now().toISOString();
    const campaign = async (key: string, start: string, weeks: number, heldOut: number, assigned = members.length) => {
      const { id } = await db
        .insertInto('campaigns')
        .values({ key, source: key.startsWith('letter:') ? 'letter' : 'schedule', holdout: 0.3, outcome: 'participation', topic: null, weeks, start_day: start, treatment: null, active: 1, created_at: nowIso })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (assigned > 0) await db.insertInto('holdout_assignments').values(members.slice(0, assigned).map((m, i) => ({ campaign_id: id, member_id: m.id, department_id: m.department_id, held_out: i < heldOut ? 1 : 0, assigned_at: nowIso }))).execute();
    };
    const answer = (i: number, day: string) => db.insertInto('quiz_answers').values({ member_id: members[i]!.id, question_id: question, quiz_day: day, choice_index: 0, correct: 1, platform: 'console', answered_at: nowIso }).execute();
    // spring-nudge: 4 held out, 9 treated; in its window (03-02 ~ 03-29) 1 held-out and 6 treated answered.
    await campaign('schedule:spring-nudge', '2026-03-02', 4, 4);
    for (const i of [0, 4, 5, 6, 7, 8, 9]) await answer(i, '2026-03-10');
    await answer(1, '2026-04-02'); // after the window: not counted
    // A letter held out of only 2 people: below the minimum group size of 3, nothing is estimated.
    await campaign('letter:7', '2026-10-05', 2, 2, 8);
    // Not in the 2026 pack: a window ending in 2027, one ending in 2025, one still open, one never sent.
    await campaign('schedule:winter-quiz', '2026-12-21', 4, 4);
    await campaign('schedule:old-nudge', '2025-09-01', 4, 4);
    await campaign('schedule:open-nudge', '2026-11-23', 4, 4);
    await campaign('schedule:never-sent', '2026-02-02', 1, 0, 0);

    h.clock.set(KST('2026-12-03', '09:30'));
    const pack = await buildEvidencePack(source(), 2026, h.clock.now().toISOString());
    const files = byName(pack);
    const effect = new TextDecoder().decode(files.get('effect-reports-2026.md'));
    expect(effect).toContain('# 2026년 효과 보고서 (비교군 캠페인)');
    const d = newcombe(6, 9, 1, 4);
    const p = (x: number) => Math.abs(Math.round(x * 1000) / 10).toFixed(1);
    expect(effect).toContain('## 효과 보고서: spring-nudge');
    expect(effect).toContain('| 측정 기간 | 2026-03-02 ~ 2026-03-29 (4주) |');
    expect(effect).toContain('| 대상군 | 66.7% (6/9명, 배정 9명) |');
    expect(effect).toContain('| 비교군 | 25.0% (1/4명, 배정 4명) |');
    expect(effect).toContain(`| 차이 (대상군 − 비교군) | +${p(d.estimate)}%p (95% 신뢰구간 ${d.lower < 0 ? '−' : '+'}${p(d.lower)} ~ +${p(d.upper)}%p) |`);
    expect(effect).toContain('## 효과 보고서: letter:7');
    expect(effect).toContain('비공개 — 두 집단 모두 3명 이상이어야 보여 줍니다 (소집단 비공개). 배정: 대상군 6명, 비교군 2명');
    expect(effect.indexOf('spring-nudge')).toBeLessThan(effect.indexOf('letter:7'));
    for (const name of ['winter-quiz', 'old-nudge', 'open-nudge', 'never-sent']) expect(effect).not.toContain(name);
    expect(effect).not.toContain('중간 결과');

    const summary = new TextDecoder().decode(files.get(SUMMARY));
    expect(summary).toContain('| effect-reports-2026.md | 성과 |');
    expect(summary).toContain('효과 보고서: 측정 기간이 끝난 비교군 캠페인 2개');
    expect(new TextDecoder().decode(files.get(MANIFEST))).toContain(`${sha(files.get('effect-reports-2026.md')!)}  effect-reports-2026.md\n`);

    // The 2027 pack, once winter-quiz's window is over, has it and nothing of 2026.
    h.clock.set(KST('2027-01-20', '09:30'));
    const next = new TextDecoder().decode(byName(await buildEvidencePack(source('en'), 2027, h.clock.now().toISOString())).get('effect-reports-2027.md'));
    expect(next).toContain('## Effect report: winter-quiz');
    expect(next).not.toContain('spring-nudge');
  });

  it('GIVEN no campaign with a holdout WHEN the pack is generated THEN the effect file says so', async () => {
    h = await createHarness({ dialect, roster: trainingRoster(), start: KST('2026-11-27', '09:30') });
    const effect = new TextDecoder().decode(byName(await buildEvidencePack(source(), 2026, h.clock.now().toISOString())).get('effect-reports-2026.md'));
    expect(effect).toContain('2026년에 측정 기간이 끝난 비교군 캠페인이 없습니다.');
  });

  it('GIVEN a past year WHEN its pack is generated on different days THEN only the generation stamp differs, in English too', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    h = await createHarness({ dialect, roster: trainingRoster(), start: KST('2026-11-27', '09:30') });
    at(KST('2027-01-04', '10:00'));
    const first = await buildEvidencePack(source('en'), 2026, h.clock.now().toISOString());
    at(KST('2027-02-20', '16:00'));
    const second = await buildEvidencePack(source('en'), 2026, h.clock.now().toISOString());
    const a = byName(first);
    const b = byName(second);
    expect([...a.keys()].filter((name) => Buffer.compare(Buffer.from(a.get(name)!), Buffer.from(b.get(name)!)) !== 0)).toEqual([GENERATED]);
    expect(first.asOf).toBe('2026-12-31');
    const summary = new TextDecoder().decode(a.get(SUMMARY));
    expect(summary).toContain('| annual-report-2026.xlsx | Results (성과) |');
    expect(summary).toContain('Integrity-effort evidence 2026');
  });
});

describe('workbook dates', () => {
  afterEach(() => vi.useRealTimers());
  it('GIVEN the same sheets at two times WHEN written without a fixed date THEN the bytes differ; with one THEN they are identical', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const sheets = [{ name: '요약', header: ['항목', '값'], rows: [['인원', 14]] }];
    vi.setSystemTime(new Date('2026-12-03T00:00:00Z'));
    const early = await toXlsx(sheets);
    const earlyFixed = await toXlsx(sheets, { fixedDate: new Date('2026-12-31T00:00:00Z') });
    vi.setSystemTime(new Date('2026-12-04T09:13:27Z'));
    const late = await toXlsx(sheets);
    const lateFixed = await toXlsx(sheets, { fixedDate: new Date('2026-12-31T00:00:00Z') });
    expect(Buffer.compare(Buffer.from(early), Buffer.from(late))).not.toBe(0);
    expect(Buffer.compare(Buffer.from(earlyFixed), Buffer.from(lateFixed))).toBe(0);
    expect((await readXlsx(lateFixed))[0]!.rows).toEqual([['항목', '값'], ['인원', 14]]);
  });
});
