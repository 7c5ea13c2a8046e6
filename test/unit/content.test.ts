import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CHOICE_TEXT_MAX } from '../../src/features/content/content.js';
import { formatProblem, loadContent, type LoadResult } from '../../src/features/content/loader.js';

const SHIPPED_CONTENT = fileURLToPath(new URL('../../content', import.meta.url));

const PACK = {
  pack: 'unit',
  name: { ko: '단위 시험 팩', en: 'Unit test pack' },
  topics: {
    'graft-act': { ko: '청탁금지법', en: 'Graft Act' },
    personnel: { ko: '공정한 인사', en: 'Fair personnel management' },
  },
  laws: {
    'graft-act': { ko: '청탁금지법', en: 'Improper Solicitation and Graft Act' },
  },
};

type Item = Record<string, unknown>;

function choiceItem(overrides: Item = {}): Item {
  return {
    slug: 'meal-limit',
    topic: 'graft-act',
    type: 'choice',
    difficulty: 1,
    question: { ko: '식사 가액 한도는?', en: 'What is the meal limit?' },
    choices: [
      { ko: '3만원', en: '₩30,000' },
      { ko: '5만원', en: '₩50,000' },
      { ko: '10만원', en: '₩100,000' },
    ],
    answer: 2,
    explanation: { ko: '5만원입니다.', en: 'It is ₩50,000.' },
    basis: [{ law: 'graft-act', article: { ko: '제8조③2', en: 'Art. 8(3)(ii)' } }],
    ...overrides,
  };
}

function oxItem(overrides: Item = {}): Item {
  return {
    slug: 'spouse',
    topic: 'graft-act',
    type: 'ox',
    difficulty: 2,
    question: { ko: '배우자도 받으면 안 된다.', en: 'The spouse must not accept either.' },
    answer: 'O',
    explanation: { ko: '배우자 수수도 금지됩니다.', en: 'The spouse is bound too.' },
    basis: [{ law: 'graft-act', article: { ko: '제8조④', en: 'Art. 8(4)' } }],
    ...overrides,
  };
}

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory holding files given by relative path; returns its path. */
function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'probity-content-'));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text, 'utf8');
  }
  return dir;
}

/** Loads a pack made of PACK and the given quiz items, file names shown relative to the pack. */
function loadItems(items: Item[], extraFiles: Record<string, string> = {}): LoadResult {
  const dir = tempDir({ 'pack.yaml': stringify(PACK), 'quiz/items.yaml': stringify({ quiz: items }), ...extraFiles });
  return loadContent([dir], dir);
}

function errorLines(result: LoadResult): string[] {
  return result.errors.map((e) => formatProblem(e, 'en'));
}

describe('loadContent: a valid pack', () => {
  it('GIVEN a pack.yaml and a file of quiz items THEN both items load with no errors or warnings', () => {
    const result = loadItems([choiceItem(), oxItem()]);
    expect(errorLines(result)).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.catalog.packs.map((p) => p.id)).toEqual(['unit']);
    expect(Object.keys(result.catalog.topics).sort()).toEqual(['graft-act', 'personnel']);
    expect(result.catalog.quiz.map((q) => q.slug)).toEqual(['meal-limit', 'spouse']);
  });

  it('GIVEN a choice item THEN the 1-based answer becomes 0-based and its texts are kept per language', () => {
    const [item] = loadItems([choiceItem()]).catalog.quiz;
    expect(item).toMatchObject({ pack: 'unit', file: join('quiz', 'items.yaml'), type: 'choice', answer: 1, difficulty: 1 });
    expect(item?.choices[1]).toEqual({ ko: '5만원', en: '₩50,000' });
    expect(item?.basis).toEqual([{ law: 'graft-act', article: { ko: '제8조③2', en: 'Art. 8(3)(ii)' }, verify: false }]);
  });

  it('GIVEN ox items THEN O is answer 0, X is answer 1, and there are no choices', () => {
    const result = loadItems([oxItem(), oxItem({ slug: 'travel', answer: 'X' })]);
    expect(result.errors).toEqual([]);
    expect(result.catalog.quiz.map((q) => [q.slug, q.answer, q.choices.length])).toEqual([
      ['spouse', 0, 0],
      ['travel', 1, 0],
    ]);
  });
});

describe('loadContent: invalid items are errors naming the file and the item', () => {
  const FILE = join('quiz', 'items.yaml');

  function expectOneError(result: LoadResult, code: string, ...mentions: string[]): string {
    expect(result.errors.map((e) => e.code)).toEqual([code]);
    const line = formatProblem(result.errors[0]!, 'en');
    expect(line.startsWith(`${FILE}: `)).toBe(true);
    for (const text of mentions) expect(line).toContain(text);
    return line;
  }

  it('GIVEN a choice item without an answer THEN the error names the file, the item and the field', () => {
    const { answer: _, ...noAnswer } = choiceItem();
    const result = loadItems([noAnswer]);
    const line = expectOneError(result, 'content.error.missing', 'item "meal-limit"', 'answer');
    expect(line).toBe(`${FILE}: item "meal-limit": answer: missing`);
    expect(result.catalog.quiz).toEqual([]);
  });

  it('GIVEN an ox item without an answer THEN it is an error', () => {
    const { answer: _, ...noAnswer } = oxItem();
    expectOneError(loadItems([noAnswer]), 'content.error.missing', 'item "spouse"', 'answer');
  });

  it('GIVEN only 2 choices THEN the error gives the count and the allowed range', () => {
    const item = choiceItem({ choices: [{ ko: '예', en: 'Yes' }, { ko: '아니오', en: 'No' }], answer: 1 });
    const line = expectOneError(loadItems([item]), 'content.error.choice_count', 'item "meal-limit"', 'choices');
    expect(line).toContain('(2; 3 to 5 required)');
  });

  it('GIVEN 6 choices THEN it is an error too', () => {
    const choices = Array.from({ length: 6 }, (_, i) => ({ ko: `보기 ${i + 1}`, en: `Choice ${i + 1}` }));
    const line = expectOneError(loadItems([choiceItem({ choices, answer: 1 })]), 'content.error.choice_count', 'item "meal-limit"');
    expect(line).toContain('(6; 3 to 5 required)');
  });

  it('GIVEN an answer beyond the last choice THEN it is a bad answer index', () => {
    expectOneError(loadItems([choiceItem({ answer: 4 })]), 'content.error.bad_answer_index', 'item "meal-limit"', '1 to 3');
  });

  it('GIVEN an ox item with choices THEN it is an error', () => {
    const item = oxItem({ choices: [{ ko: '맞다', en: 'True' }, { ko: '틀리다', en: 'False' }] });
    expectOneError(loadItems([item]), 'content.error.ox_has_choices', 'item "spouse"', 'choices');
  });

  it('GIVEN an ox answer other than O or X THEN it is an error', () => {
    expectOneError(loadItems([oxItem({ answer: 'maybe' })]), 'content.error.bad_ox_answer', 'item "spouse"');
  });

  it('GIVEN a topic not declared in pack.yaml THEN it is an unknown topic error naming it', () => {
    expectOneError(loadItems([choiceItem({ topic: 'astrology' })]), 'content.error.unknown_topic', 'item "meal-limit"', 'astrology');
  });

  it('GIVEN a law not declared in pack.yaml THEN it is an unknown law error naming it', () => {
    const item = choiceItem({ basis: [{ law: 'tax-act', article: { ko: '제1조', en: 'Art. 1' } }] });
    expectOneError(loadItems([item]), 'content.error.unknown_law', 'item "meal-limit"', 'basis[1].law', 'tax-act');
  });

  it('GIVEN no basis THEN it is an error (every quiz item names its legal basis)', () => {
    expectOneError(loadItems([choiceItem({ basis: [] })]), 'content.error.basis_missing', 'item "meal-limit"');
  });

  it('GIVEN the same slug twice in a pack, even in different files THEN it is a duplicate slug error', () => {
    const result = loadItems([choiceItem()], { 'quiz/more.yaml': stringify({ quiz: [oxItem({ slug: 'meal-limit' })] }) });
    expect(result.errors.map((e) => e.code)).toEqual(['content.error.duplicate_slug']);
    const line = formatProblem(result.errors[0]!, 'en');
    expect(line).toContain('item "meal-limit"');
    expect(line).toContain(FILE);
  });

  it('GIVEN a question without its English text THEN the error names the missing language', () => {
    const item = choiceItem({ question: { ko: '식사 가액 한도는?' } });
    expectOneError(loadItems([item]), 'content.error.missing', 'item "meal-limit"', 'question.en');
  });

  it('GIVEN an English text that is only spaces THEN it counts as missing', () => {
    expectOneError(loadItems([choiceItem({ explanation: { ko: '해설', en: '   ' } })]), 'content.error.missing', 'explanation.en');
  });

  it(`GIVEN a choice over ${CHOICE_TEXT_MAX} characters THEN it is too long, with its length`, () => {
    const long = 'x'.repeat(CHOICE_TEXT_MAX + 1);
    const item = choiceItem({ choices: [{ ko: '3만원', en: long }, { ko: '5만원', en: '₩50,000' }, { ko: '10만원', en: '₩100,000' }] });
    const line = expectOneError(loadItems([item]), 'content.error.too_long', 'item "meal-limit"', 'choices[1].en');
    expect(line).toContain(`${CHOICE_TEXT_MAX + 1} characters, at most ${CHOICE_TEXT_MAX}`);
  });

  it(`GIVEN a Korean choice of exactly ${CHOICE_TEXT_MAX} characters THEN it is accepted (characters, not bytes)`, () => {
    const item = choiceItem({ choices: [{ ko: '가'.repeat(CHOICE_TEXT_MAX), en: 'a' }, { ko: '나', en: 'b' }, { ko: '다', en: 'c' }] });
    expect(loadItems([item]).errors).toEqual([]);
  });

  it('GIVEN a bad slug THEN the item is named by its position', () => {
    expectOneError(loadItems([choiceItem(), oxItem({ slug: 'Bad Slug' })]), 'content.error.bad_slug', 'item "#2"', 'slug');
  });

  it('GIVEN a valid and an invalid item THEN the valid one still loads but the error is reported', () => {
    const result = loadItems([choiceItem(), oxItem({ difficulty: 5 })]);
    expect(result.errors.map((e) => e.code)).toEqual(['content.error.bad_difficulty']);
    expect(result.catalog.quiz.map((q) => q.slug)).toEqual(['meal-limit']);
  });
});

describe('loadContent: files and packs', () => {
  it.each([
    ['a mis-indented line', ['quiz:', '  - slug: ok', '    topic: graft-act', '   type: ox', '    difficulty: 1', '']],
    ['a repeated key', ['quiz:', '  - slug: ok', '    topic: graft-act', '    slug: again', '    type: ox', '']],
  ])('GIVEN a YAML syntax error (%s) THEN the error names the file and the line', (_what, lines) => {
    const dir = tempDir({ 'pack.yaml': stringify(PACK), 'quiz/broken.yaml': lines.join('\n') });
    const result = loadContent([dir], dir);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.code).toBe('content.error.yaml');
    expect(formatProblem(result.errors[0]!, 'en')).toMatch(/^quiz[\\/]broken\.yaml: YAML syntax error \(line 4, /);
  });

  it('GIVEN a YAML syntax error in pack.yaml THEN the error names pack.yaml and nothing of the pack loads', () => {
    const dir = tempDir({
      'pack.yaml': 'pack: unit\nname: { ko: 팩, en: Pack\ntopics: {}\nlaws: {}\n',
      'quiz/items.yaml': stringify({ quiz: [choiceItem()] }),
    });
    const result = loadContent([dir], dir);
    expect(result.errors.map((e) => [e.file, e.code])).toEqual([['pack.yaml', 'content.error.yaml']]);
    expect(result.catalog.quiz).toEqual([]);
  });

  it('GIVEN a basis marked verify: true THEN it is a warning, not an error, and the item loads', () => {
    const item = choiceItem({ basis: [{ law: 'graft-act', article: { ko: '제8조③2', en: 'Art. 8(3)(ii)' }, verify: true }] });
    const result = loadItems([item]);
    expect(result.errors).toEqual([]);
    expect(result.catalog.quiz).toHaveLength(1);
    expect(result.warnings.map((w) => w.code)).toEqual(['content.warning.verify_article']);
    expect(formatProblem(result.warnings[0]!, 'en')).toContain('item "meal-limit"');
    expect(formatProblem(result.warnings[0]!, 'en')).toContain('제8조③2');
  });

  it('GIVEN a directory without pack.yaml THEN it is a no_pack error naming the directory', () => {
    const dir = tempDir({ 'quiz/items.yaml': stringify({ quiz: [choiceItem()] }) });
    const result = loadContent([dir], join(dir, '..'));
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ code: 'content.error.no_pack', params: { file: 'pack.yaml' } });
    expect(formatProblem(result.errors[0]!, 'en')).toContain(dir.split(/[\\/]/).pop()!);
    expect(result.catalog.quiz).toEqual([]);
  });

  it('GIVEN a directory that does not exist THEN it is a no_pack error too', () => {
    const dir = tempDir({});
    expect(loadContent([join(dir, 'nope')], dir).errors.map((e) => e.code)).toEqual(['content.error.no_pack']);
  });

  it('GIVEN a directory of packs THEN every sub-directory with a pack.yaml is loaded', () => {
    const dir = tempDir({
      'a/pack.yaml': stringify({ ...PACK, pack: 'a' }),
      'a/quiz.yaml': stringify({ quiz: [choiceItem()] }),
      'b/pack.yaml': stringify({ ...PACK, pack: 'b' }),
      'b/quiz.yaml': stringify({ quiz: [choiceItem()] }),
    });
    const result = loadContent([dir], dir);
    expect(result.errors).toEqual([]);
    expect(result.catalog.quiz.map((q) => `${q.pack}/${q.slug}`)).toEqual(['a/meal-limit', 'b/meal-limit']);
  });

  it('GIVEN a pledge with a holdout THEN it is refused, the all-staff (new-hire) pledge as a legal duty', () => {
    const pledge = (slug: string, audience: string) => ({ slug, audience, holdout: 0.1, title: { ko: '서약', en: 'Pledge' }, text: { ko: '서약합니다.', en: 'I pledge.' } });
    const result = loadItems([choiceItem()], { 'pledges.yaml': stringify({ pledges: [pledge('all-staff', 'all'), pledge('leadership', 'leaders')] }) });
    expect(result.errors.map((e) => [e.item, e.field, e.code])).toEqual([
      ['all-staff', 'holdout', 'holdout.error.legally_required_pledge'],
      ['leadership', 'holdout', 'holdout.error.pledge_item'],
    ]);
    expect(errorLines(result)[0]).toContain('legal duty');
  });

  it('GIVEN a file with a list other than quiz, nudges or pledges THEN it is an error', () => {
    const result = loadItems([choiceItem()], { 'extra.yaml': stringify({ quizz: [] }) });
    expect(result.errors.map((e) => e.code)).toEqual(['content.error.unknown_list']);
  });
});

describe('the shipped content at content/', () => {
  // The shipped pack is still being written; these tests say what "done" means for it.
  const shipped = loadContent([SHIPPED_CONTENT], SHIPPED_CONTENT);

  it('loads with zero errors', () => {
    expect(errorLines(shipped)).toEqual([]);
  });

  it('has at least 40 quiz items', () => {
    expect(shipped.catalog.quiz.length).toBeGreaterThanOrEqual(40);
  });

  it('gives every quiz item both languages for question, explanation and each choice, and at least one basis', () => {
    const incomplete = shipped.catalog.quiz
      .filter((q) => {
        const texts = [q.question, q.explanation, ...q.choices];
        return !texts.every((t) => t.ko.trim() !== '' && t.en.trim() !== '') || q.basis.length === 0;
      })
      .map((q) => q.slug);
    expect(shipped.catalog.quiz.length).toBeGreaterThan(0);
    expect(incomplete).toEqual([]);
  });

  it.each(['graft-act', 'conflict-of-interest', 'code-of-conduct', 'whistleblowing', 'personnel', 'preferential-treatment', 'budget-execution'])(
    'has quiz items on the topic %s',
    (topic) => {
      expect(shipped.catalog.quiz.filter((q) => q.topic === topic).length).toBeGreaterThanOrEqual(1);
    },
  );
});
