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
