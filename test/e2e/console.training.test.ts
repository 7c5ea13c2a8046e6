/** The training ledger in the console: recorded on the command line, read in `npm start`. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from './support.js';

describe('npm start: anti-corruption training in the console', () => {
  it('a member reads their own minutes, an officer the completion figures, and nobody adds sessions in chat', async () => {
    const dir = tempDir();
    const env = { DATABASE_URL: `sqlite:${join(dir, 'p.sqlite')}`, PROBITY_MIN_GROUP_SIZE: '2' };
    expect((await run('cli', ['roster', 'import', 'examples/roster.csv'], { env })).code).toBe(0);
    const added = await run('cli', ['training', 'add', '--date', '2026-04-10', '--title', '청렴 집합교육', '--kind', '집합', '--minutes', '90', '1001', '1003'], { env });
    expect(added.code, added.stderr).toBe(0);
    const input = ['/as 1001', '/integrity training', '/as 1002', '/integrity training add', '/integrity stats training 2026', ''].join('\n');
    const result = await run('start', [], { env, input });
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('2026년 나의 청렴교육');
    expect(out).toContain('90분 / 120분');
    expect(out).toContain('30분 더 필요');
    expect(out).toContain('2026-04-10 청렴 집합교육 · 집합(대면) · 90분');
    expect(out).toContain('npm run cli -- training add');
    expect(out).toContain('청렴교육 이수 현황 · 전체 기관 · 2026년');
    expect(out).toContain('이수 요건 충족: 0% (0/8)');
    expect(out).toContain('대면 교육 시간 비율: 100%');
  }, 90_000);
});
