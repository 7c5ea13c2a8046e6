/** Leadership-message templates in content packs: placeholders are checked when the pack loads. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { TEMPLATE_PLACEHOLDERS } from '../../src/features/content/content.js';
import { formatProblem, loadContent, type LoadResult } from '../../src/features/content/loader.js';

const SHIPPED_CONTENT = fileURLToPath(new URL('../../content', import.meta.url));
const PACK = { pack: 'unit', name: { ko: '단위 시험 팩', en: 'Unit test pack' }, topics: {}, laws: {} };

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function template(overrides: Record<string, unknown> = {}) {
  return {
    slug: 'holiday',
    title: { ko: '{holiday} 서한', en: 'Before {holiday}' },
    text: { ko: '{holiday}({holiday_date}) 기간 {period_from}~{period_to}, {organisation}', en: '{holiday} ({holiday_date}) {period_from} to {period_to}, {organisation}' },
    ...overrides,
  };
}

function load(templates: unknown[]): LoadResult {
  const dir = mkdtempSync(join(tmpdir(), 'probity-templates-'));
  made.push(dir);
  writeFileSync(join(dir, 'pack.yaml'), stringify(PACK));
  writeFileSync(join(dir, 'templates.yaml'), stringify({ templates }));
  return loadContent([dir], dir);
}

const errors = (result: LoadResult) => result.errors.map((e) => formatProblem(e, 'en'));

describe('templates in a content pack', () => {
  it('GIVEN every allowed placeholder THEN the template loads with its texts', () => {
    const result = load([template()]);
    expect(errors(result)).toEqual([]);
    expect(result.catalog.templates).toEqual([{ pack: 'unit', file: 'templates.yaml', slug: 'holiday', title: template().title, text: template().text }]);
    expect([...TEMPLATE_PLACEHOLDERS]).toEqual(['holiday', 'holiday_date', 'period_from', 'period_to', 'organisation']);
  });

  it.each([
    ['a misspelt name', { text: { ko: '{holidy}', en: 'ok' } }, 'text.ko', '{holidy}'],
    ['an empty pair of braces', { text: { ko: 'ok', en: 'see {}' } }, 'text.en', 'Unknown placeholder'],
    ['a name with a space', { title: { ko: '{holiday date}', en: 'ok' } }, 'title.ko', '{holiday date}'],
    ['an upper-case name', { title: { ko: 'ok', en: '{Holiday}' } }, 'title.en', '{Holiday}'],
  ])('GIVEN %s THEN an error names the field and lists the allowed placeholders', (_what, overrides, field, mention) => {
    const result = load([template(overrides)]);
    expect(result.errors.map((e) => e.code)).toEqual(['content.error.bad_placeholder']);
    const line = errors(result)[0]!;
    expect(line).toContain(field);
    expect(line).toContain(mention);
    expect(line).toContain('holiday, holiday_date, period_from, period_to, organisation');
  });

  it('GIVEN a missing language or a repeated slug THEN the pack is invalid', () => {
    expect(load([template({ text: { ko: '본문' } })]).errors.map((e) => e.code)).toEqual(['content.error.missing']);
    expect(load([template(), template()]).errors.map((e) => e.code)).toEqual(['content.error.duplicate_slug']);
  });

  it('GIVEN the shipped pack THEN it has a valid holiday template with the gift limits and reporting channels in both languages', () => {
    const result = loadContent([SHIPPED_CONTENT]);
    expect(errors(result)).toEqual([]);
    const holiday = result.catalog.templates.find((t) => t.slug === 'holiday');
    expect(holiday).toBeDefined();
    expect(holiday!.text.ko).toContain('30만원');
    expect(holiday!.text.ko).toContain('☎1398');
    expect(holiday!.text.en).toContain('₩300,000');
    expect(holiday!.text.en).toContain('www.clean.go.kr');
    expect(result.catalog.pledges.map((p) => [p.slug, p.audience])).toEqual([
      ['all-staff', 'all'],
      ['leadership', 'leaders'],
    ]);
  });
});
