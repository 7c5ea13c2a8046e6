/** The admin command line, run as an operator would: roster import and content check. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { query, run, tempDir } from './support.js';

const HEADER = 'employee_no,name,email,department,roles,locale';
const DEPARTMENTS = ['행정국/감사과', '행정국/총무과', '경제국/투자유치과', '복지국/노인복지과/돌봄팀', '시장실'];

function roster(count: number): string {
  const rows = Array.from({ length: count }, (_, i) => {
    const no = String(100000 + i);
    return `${no},직원${i},user${i}@city.example.kr,${DEPARTMENTS[i % DEPARTMENTS.length]},${i % 50 === 0 ? 'employee;manager' : 'employee'},${i % 7 === 0 ? 'en' : 'ko'}`;
  });
  return `\uFEFF${[HEADER, ...rows].join('\r\n')}\r\n`;
}

describe('npm run cli -- roster import', () => {
  it('a CSV with one bad row names that row and imports nothing', async () => {
    const dir = tempDir();
    const file = join(dir, 'roster.csv');
    const lines = roster(10).trimEnd().split('\r\n');
    lines[4] = '100003,직원3,not-an-email,행정국/감사과,employee,ko';
    writeFileSync(file, lines.join('\n'));
    const db = join(dir, 'p.sqlite');
    const result = await run('cli', ['roster', 'import', file], { env: { DATABASE_URL: `sqlite:${db}` } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('5행: 이메일 형식이 잘못되었습니다: "not-an-email"');
    expect(result.stderr).toContain('아무것도 가져오지 않았습니다');
    expect(query(db, 'SELECT id FROM members')).toHaveLength(0);
  });

  it('a valid 2,000-row CSV imports in under 5 seconds, and importing it twice changes nothing', async () => {
    const dir = tempDir();
    const file = join(dir, 'roster.csv');
    writeFileSync(file, roster(2000));
    const db = join(dir, 'p.sqlite');
    const env = { DATABASE_URL: `sqlite:${db}`, PROBITY_LOCALE: 'en' };
    const first = await run('cli', ['roster', 'import', file], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('2000 new');
    // Whole process, start-up included.
    expect(first.ms).toBeLessThan(5_000);
    const snapshot = query(db, 'SELECT * FROM members ORDER BY id');
    expect(snapshot).toHaveLength(2000);
    expect(query(db, 'SELECT path FROM departments')).toHaveLength(9);

    const second = await run('cli', ['roster', 'import', file], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('0 new, 0 changed, 0 rejoined, 2000 unchanged');
    expect(query(db, 'SELECT * FROM members ORDER BY id')).toEqual(snapshot);
  });
});

describe('npm run cli -- content check', () => {
  it('passes on the shipped content', async () => {
    const result = await run('cli', ['content', 'check', 'content/'], { env: { PROBITY_LOCALE: 'en' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/1 content pack\(s\) valid: \d+ quiz items/);
  });

  it('rejects a missing answer and a wrong choice count, naming the file and the item', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'quiz'));
    writeFileSync(join(dir, 'pack.yaml'), 'pack: org\nname: { ko: 우리 기관, en: Our body }\ntopics:\n  local: { ko: 자체, en: Local }\nlaws:\n  rules: { ko: 자체 규정, en: Own rules }\n');
    const item = (slug: string, extra: string) =>
      `  - slug: ${slug}\n    topic: local\n    type: choice\n    difficulty: 1\n    question: { ko: 질문, en: Question }\n    explanation: { ko: 해설, en: Why }\n    basis:\n      - law: rules\n        article: { ko: 제1조, en: Art. 1 }\n${extra}`;
    writeFileSync(
      join(dir, 'quiz', 'bad.yaml'),
      `quiz:\n${item('no-answer', '    choices:\n      - { ko: 가, en: A }\n      - { ko: 나, en: B }\n      - { ko: 다, en: C }\n')}${item('two-choices', '    choices:\n      - { ko: 가, en: A }\n      - { ko: 나, en: B }\n    answer: 1\n')}`,
    );
    const result = await run('cli', ['content', 'check', dir], { env: { PROBITY_LOCALE: 'en' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/quiz\/bad\.yaml: item "no-answer": answer: missing/);
    expect(result.stderr).toMatch(/quiz\/bad\.yaml: item "two-choices": choices: wrong number of choices \(2; 3 to 5 required\)/);
  });

  it('GIVEN a pack with an error and an article to verify WHEN checked THEN the error comes first, and each list has its count', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'quiz'));
    writeFileSync(join(dir, 'pack.yaml'), 'pack: org\nname: { ko: 우리 기관, en: Our body }\ntopics:\n  local: { ko: 자체, en: Local }\nlaws:\n  rules: { ko: 자체 규정, en: Own rules }\n');
    const item = (slug: string, answer: string, verify: string) =>
      `  - slug: ${slug}\n    topic: local\n    type: choice\n    difficulty: 1\n    question: { ko: 질문, en: Question }\n    explanation: { ko: 해설, en: Why }\n    basis:\n      - law: rules\n        article: { ko: 제1조, en: Art. 1 }\n${verify}    choices:\n      - { ko: 가, en: A }\n      - { ko: 나, en: B }\n      - { ko: 다, en: C }\n${answer}`;
    writeFileSync(join(dir, 'quiz', 'mixed.yaml'), `quiz:\n${item('to-verify', '    answer: 1\n', '        verify: true\n')}${item('no-answer', '', '')}`);
    const lines: string[] = [];
    const log = (line: string) => lines.push(...line.split('\n'));
    const code = await runCli(['content', 'check', dir], { out: log, err: log }, { PROBITY_LOCALE: 'en' });
    expect(code).toBe(1);
    const errorHeader = lines.findIndex((l) => l === 'The content packs have 1 error(s):');
    const verifyHeader = lines.findIndex((l) => l === '1 point(s) to check:');
    expect(errorHeader).toBeGreaterThanOrEqual(0);
    expect(lines[errorHeader + 1]).toMatch(/item "no-answer": answer: missing/);
    expect(verifyHeader).toBeGreaterThan(errorHeader + 1);
    expect(lines[verifyHeader + 1]).toMatch(/item "to-verify": basis\[1\]/);
    expect(lines.at(-1)).toBe('Content check failed: 1 error(s) (listed first), 1 point(s) to check.');
  });
});
