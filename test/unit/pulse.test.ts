/** The pulse's pure rules: content validation, answers as typed, pages, coarsening, the quiet period. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config.js';
import { loadContent } from '../../src/features/content/loader.js';
import { coarsenDepartments, decodeAnswers, encodeAnswers, NO, pageCount, pageItems, parseAnswer, summarise, YES, type PulseQuestion } from '../../src/features/pulse/pulse.js';
import { quietWindowOf } from '../../src/scheduler/quiet.js';

const question = (kind: 'scale' | 'yesno'): PulseQuestion => ({ kind, label: { ko: '라벨', en: 'label' }, text: { ko: '문장', en: 'text' } });
const item = (i: number, kind = 'scale') => ({ kind, label: { ko: `문항 ${i}`, en: `Item ${i}` }, text: { ko: `문장 ${i}`, en: `Statement ${i}` } });

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function pack(pulses: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'probity-pulse-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'pack.yaml'), stringify({ pack: 'extra', name: { ko: '추가', en: 'Extra' }, topics: {}, laws: {} }));
  writeFileSync(join(dir, 'pulses.yaml'), stringify({ pulses }));
  return dir;
}
const base = { slug: 'p', title: { ko: '제목', en: 'Title' }, intro: { ko: '안내', en: 'Intro' } };

describe('pulse content', () => {
  it('GIVEN the shipped pack THEN it holds a valid pulse of 4–8 items in both languages', () => {
    const { catalog, errors } = loadContent(['content']);
    expect(errors).toEqual([]);
    expect(catalog.pulses).toHaveLength(1);
    const pulse = catalog.pulses[0]!;
    expect(pulse.items.length).toBeGreaterThanOrEqual(4);
    expect(pulse.items.length).toBeLessThanOrEqual(8);
    // The wording does not claim to be the ACRC's survey.
    expect(pulse.intro.ko).toContain('청렴도 측정 설문이 아니라');
    expect(pulse.intro.en).toContain("not the ACRC's");
  });

  it('GIVEN three items, a bad kind, a missing translation or a long label THEN each is an error naming the item and field', () => {
    const { errors, warnings, catalog } = loadContent([
      pack([
        { ...base, slug: 'few', items: [item(1), item(2), item(3)] },
        { ...base, slug: 'kind', items: [item(1), item(2), item(3), item(4, 'stars')] },
        { ...base, slug: 'lang', items: [item(1), item(2), item(3), { ...item(4), text: { ko: '문장' } }] },
        { ...base, slug: 'long', items: [item(1), item(2), item(3), { ...item(4), label: { ko: '가'.repeat(42), en: 'x' } }] },
        { ...base, slug: 'many', items: Array.from({ length: 9 }, (_, i) => item(i)) },
        { ...base, slug: 'fine', items: [item(1), item(2, 'yesno'), item(3), item(4), item(5), item(6)] },
      ]),
    ]);
    const found = errors.map((e) => [e.item, e.field, e.code]);
    expect(found).toEqual([
      ['few', 'items', 'pulse.content.item_count'],
      ['kind', 'items[4].kind', 'pulse.content.bad_kind'],
      ['lang', 'items[4].text.en', 'content.error.missing'],
      ['long', 'items[4].label.ko', 'content.error.too_long'],
      ['many', 'items', 'pulse.content.item_count'],
    ]);
    expect(catalog.pulses.map((p) => p.slug)).toEqual(['fine']);
    // Six items are valid, with a warning that Discord cannot open the second page.
    expect(warnings.map((w) => [w.item, w.field, w.code])).toEqual([['fine', 'items', 'pulse.content.paged']]);
  });
});

describe('answers', () => {
  it('GIVEN what people type THEN scale answers are 1–5 and yes/no answers are read in Korean and English', () => {
    expect(parseAnswer('scale', ' 4 ')).toBe(4);
    expect(parseAnswer('scale', '５')).toBe(5);
    for (const bad of ['0', '6', '4.5', 'four', '', '44']) expect(parseAnswer('scale', bad)).toBeUndefined();
    for (const yes of ['예', '네', 'Yes', 'y', 'O']) expect(parseAnswer('yesno', yes)).toBe(YES);
    for (const no of ['아니오', '아니요', 'No', 'n', 'x']) expect(parseAnswer('yesno', no)).toBe(NO);
    expect(parseAnswer('yesno', 'maybe')).toBeUndefined();
  });

  it('GIVEN seven items THEN the form has two pages, and earlier answers round-trip only when valid', () => {
    const items = [...Array.from({ length: 6 }, () => question('scale')), question('yesno')];
    expect(pageCount(items)).toBe(2);
    expect(pageItems(items, 0).map((p) => p.index)).toEqual([0, 1, 2, 3, 4]);
    expect(pageItems(items, 1).map((p) => p.index)).toEqual([5, 6]);
    expect(decodeAnswers(encodeAnswers([5, 4, 3, 2, 1]), items)).toEqual([5, 4, 3, 2, 1]);
    expect(decodeAnswers('56', items)).toBeUndefined();
    expect(decodeAnswers('1234512', items)).toBeUndefined(); // the yes/no item cannot be 2
    expect(decodeAnswers('12345120', items)).toBeUndefined(); // longer than the pulse
    expect(decodeAnswers('1a', items)).toBeUndefined();
  });

  it('GIVEN answers THEN the distribution and mean are counted, the mean of yes/no being the share of yes', () => {
    expect(summarise('scale', [1, 5, 5, 3])).toEqual({ distribution: [1, 0, 1, 0, 2], count: 4, mean: 3.5 });
    expect(summarise('yesno', [1, 0, 0, 0])).toEqual({ distribution: [3, 1], count: 4, mean: 0.25 });
    expect(summarise('scale', []).mean).toBeNull();
  });
});

describe('coarsening', () => {
  // 1 root ─ 2 행정국 ─ 3 감사과, 4 총무과; 1 ─ 5 복지국.
  const nodes = [
    { id: 1, parentId: null },
    { id: 2, parentId: 1 },
    { id: 3, parentId: 2 },
    { id: 4, parentId: 2 },
    { id: 5, parentId: 1 },
  ];
  it('GIVEN respondents per department THEN each goes to the nearest level with at least k under it, or the organisation', () => {
    const target = coarsenDepartments(nodes, new Map([[3, 5], [4, 4], [5, 2]]), 5);
    expect(target.get(3)).toBe(3);
    expect(target.get(4)).toBe(2);
    expect(target.get(5)).toBe(1);
    expect(coarsenDepartments(nodes, new Map([[3, 2], [5, 2]]), 5).get(3)).toBeNull();
  });
});

describe('quiet period', () => {
  it('GIVEN PROBITY_SURVEY_QUIET THEN months, month-days and ranges over the new year are read', () => {
    const { surveyQuiet } = loadConfig({ PROBITY_SURVEY_QUIET: '09-15..11-30, 02, 12-20..01-10' });
    expect(surveyQuiet).toEqual([
      { from: '09-15', to: '11-30' },
      { from: '02-01', to: '02-29' },
      { from: '12-20', to: '01-10' },
    ]);
    expect(quietWindowOf('2026-09-15', surveyQuiet)).toEqual({ from: '09-15', to: '11-30' });
    expect(quietWindowOf('2026-09-14', surveyQuiet)).toBeUndefined();
    expect(quietWindowOf('2027-01-05', surveyQuiet)).toEqual({ from: '12-20', to: '01-10' });
    expect(quietWindowOf('2026-02-28', surveyQuiet)).toEqual({ from: '02-01', to: '02-29' });
    expect(loadConfig({}).surveyQuiet).toEqual([]);
  });

  it('GIVEN a malformed window THEN start-up stops naming the variable in Korean and English', () => {
    for (const bad of ['13', '09-31..10-01', 'autumn', '09-01..10-01..11-01']) {
      expect(() => loadConfig({ PROBITY_SURVEY_QUIET: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ PROBITY_SURVEY_QUIET: bad })).toThrow(/PROBITY_SURVEY_QUIET: .*월.*\/ .*month/);
    }
  });
});
