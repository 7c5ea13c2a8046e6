/**
 * The quick start, end to end: `npm start` in console mode on a fresh SQLite file with the shipped
 * content, fed the acceptance script on stdin.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { query, run, tempDir } from './support.js';

const SCRIPT = '/integrity quiz\n1\n1\n/integrity quiz\n/integrity me\n';

describe('console mode (npm start)', () => {
  it('takes the quiz in Korean: card with numbered choices, result with basis, already answered twice, streak 1, one row', async () => {
    const file = join(tempDir(), 'p.sqlite');
    const result = await run('start', [], { env: { DATABASE_URL: `sqlite:${file}` }, input: SCRIPT });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('■ 오늘의 청렴 퀴즈');
    expect(out).toMatch(/\[1\] .+\n\s+\[2\] .+/);
    expect(out).toMatch(/정답입니다!|오답입니다\./);
    expect(out).toMatch(/📖 근거: .*제\d+조/);
    expect(out.match(/오늘의 퀴즈는 이미 푸셨습니다/g)).toHaveLength(2);
    expect(out).toContain('연속 참여: 1일');
    expect(query(file, 'SELECT * FROM quiz_answers')).toHaveLength(1);
  });

  it('with PROBITY_LOCALE=en the same run is in English', async () => {
    const file = join(tempDir(), 'p.sqlite');
    const result = await run('start', [], { env: { DATABASE_URL: `sqlite:${file}`, PROBITY_LOCALE: 'en' }, input: SCRIPT });
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain("■ Today's integrity quiz");
    expect(out).toMatch(/Correct!|Not quite\./);
    expect(out).toMatch(/Legal basis: .*Art\. ?\d+/);
    expect(out.match(/You have already answered today's quiz/g)).toHaveLength(2);
    expect(out).toContain('Streak: 1 day\n');
    expect(out).not.toMatch(/[가-힣]{2,} 님의/);
    expect(query(file, 'SELECT * FROM quiz_answers')).toHaveLength(1);
  });

  it('--as acts as a roster member; an unknown number is refused and the console stays who it was', async () => {
    const dir = tempDir();
    const env = { DATABASE_URL: `sqlite:${join(dir, 'p.sqlite')}` };
    const imported = await run('cli', ['roster', 'import', 'examples/roster.csv'], { env });
    expect(imported.code).toBe(0);
    const result = await run('start', ['--as', '1005'], { env, input: '/integrity whoami\n/as 4242\n/integrity whoami\n' });
    expect(result.code).toBe(0);
    expect(result.stdout.match(/Jordan Lee/g)?.length).toBeGreaterThanOrEqual(2);
    expect(result.stdout).toContain('사번 "4242"');
  });

  it('a missing or malformed variable stops start-up naming it', async () => {
    const result = await run('start', [], { env: { DATABASE_URL: 'mysql://nope', PROBITY_TIMEZONE: 'Mars/Olympus' }, input: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL');
    expect(result.stderr).toContain('PROBITY_TIMEZONE');
    expect(result.stdout).toBe('');
  });
});
