/** The integrity perception pulse in the console, as people type it into `npm start`. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { query, run, tempDir } from './support.js';

describe('npm start: the integrity perception pulse in the console', () => {
  it('an officer opens a pulse, three people answer in prompts, results appear only after close, and the tables never meet', async () => {
    const dir = tempDir();
    const file = join(dir, 'p.sqlite');
    const env = { DATABASE_URL: `sqlite:${file}`, PROBITY_MIN_GROUP_SIZE: '2' };
    expect((await run('cli', ['roster', 'import', 'examples/roster.csv'], { env })).code).toBe(0);
    const input = [
      '/integrity pulse open integrity-climate',
      '/as 1001',
      '/integrity pulse',
      '/integrity pulse respond',
      ...['7', '아니오', '4', '3', '5'],
      '/integrity pulse respond',
      ...['4', '아니오', '4', '3', '5'],
      '/integrity pulse respond 1',
      '/as 1002',
      '/integrity pulse respond',
      ...['2', '예', '2', '2', '1'],
      '/as 1003',
      '/integrity pulse respond',
      ...['3', 'no', '3', '3', '3'],
      '/as local',
      '/integrity pulse results 1',
      '/integrity pulse close 1',
      '/integrity pulse results 1',
      '',
    ].join('\n');
    const result = await run('start', [], { env, input });
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('청렴 체감 설문 #1 "청렴 체감 자가진단"을 시작했습니다');
    expect(out).toContain('응답 내용은 누구와도 연결되지 않습니다');
    expect(out).toContain('■ 청렴 체감 설문');
    // A 7 is not on the scale: the form is refused with the item named, and nothing is recorded.
    expect(out).toContain('1번 문항: 1부터 5 사이의 숫자 하나를 입력하세요 ("7")');
    expect(out).toContain('이미 이 설문에 응답하셨습니다');
    expect(out.match(/✅ 응답해 주셔서 감사합니다/g)).toHaveLength(3);
    // Before close: the response rate, no answers.
    const [before, after] = out.split('청렴 체감 설문 #1을 마감했습니다');
    expect(before).toContain('마감된 뒤에 공개');
    expect(before).not.toContain('평균');
    expect(after).toContain('응답률: 3/8');
    expect(after).toMatch(/1\. 인사\(승진·전보·평가\)가 공정하다\*?\*? — 평균 3\.00\/5/);
    expect(after).not.toContain('행정국/총무과: 평균');

    expect(query<{ n: number }>(file, 'SELECT COUNT(*) AS n FROM pulse_responses')[0]!.n).toBe(3);
    expect(query<{ n: number }>(file, 'SELECT COUNT(*) AS n FROM pulse_answers')[0]!.n).toBe(15);
    const columns = query<{ name: string }>(file, "SELECT name FROM pragma_table_info('pulse_answers')").map((c) => c.name).sort();
    expect(columns).toEqual(['department_id', 'id', 'item', 'run_id', 'value']);
  }, 90_000);
});
