/** The integrity plan in the console: the example plan loaded with the CLI, checked in on, viewed and reported through `npm start`. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readXlsx } from '../../src/features/stats/xlsx.js';
import { query, run, tempDir } from './support.js';

describe('npm start: the integrity plan tracker in the console', () => {
  it('loads the example plan, a manager checks in for an owner, an officer sees status with notes and writes the report', async () => {
    const dir = tempDir();
    const file = join(dir, 'p.sqlite');
    const env = { DATABASE_URL: `sqlite:${file}` };
    // The example plan's year made this year, so that this month is a period of the plan.
    const year = String(new Date().getUTCFullYear());
    const plan = join(dir, 'plan.yaml');
    writeFileSync(plan, readFileSync('examples/plan.yaml', 'utf8').replace(/2026/g, year));
    expect((await run('cli', ['roster', 'import', 'examples/roster.csv'], { env })).code).toBe(0);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(plan, 'utf8').replace('owner: 시장실', 'owner: 없는국'));
    const refused = await run('cli', ['plan', 'load', bad], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('S1-2-1 · owner: 담당 부서 "없는국"이 명부에 없습니다.');
    expect(query<{ n: number }>(file, 'SELECT COUNT(*) AS n FROM plans')[0]!.n).toBe(0);
    const badCheck = await run('cli', ['plan', 'check', bad], { env });
    expect([badCheck.code, badCheck.stderr.includes('S1-2-1 · owner')]).toEqual([1, true]);
    const checked = await run('cli', ['plan', 'check', plan], { env });
    expect(checked.stdout).toContain('문제 없음');
    expect((await run('cli', ['plan', 'load', plan], { env })).stdout).toContain('제1판을 불러왔습니다 (세부과제 15개)');

    const input = [
      '/as 1007',
      '/integrity plan checkin',
      '/integrity plan checkin S3-2-1 위험',
      '35',
      '민원 응대 점검 일정 재조정',
      '.',
      'DOC-0001',
      '/integrity plan checkin S3-2-1 위험',
      // Without a form, as where none opens: the progress and a note after the status.
      '/as 1006',
      '/integrity plan checkin S2-1-3 순조 60 업체 면담 완료',
      '/as 1001',
      '/integrity plan',
      '/integrity plan status',
      '/as 1002',
      '/integrity plan status',
      '/integrity report plan',
      '',
    ].join('\n');
    const result = await run('start', [], { env, input });
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('S3-2-1 민원 응대 청렴 점검');
    expect(out).toMatch(/정성실 님 대신 S3-2-1 \d{4}-\d{2} 점검을 기록했습니다: 위험 35%/);
    expect(out).toMatch(/S3-2-1 과제의 \d{4}-\d{2} 점검은 이미 기록되어 있습니다/);
    expect(out).toMatch(/✅ S2-1-3 \d{4}-\d{2} 점검을 기록했습니다: 순조 60%/);
    const [employee = '', officer = ''] = out.split('> /as 1001')[1]!.split('> /as 1002');
    expect(employee).toContain('■ 🗂️');
    expect(employee).not.toContain('민원 응대 점검 일정 재조정');
    expect(employee).toContain('권한이 없');
    expect(officer).toContain('민원 응대 점검 일정 재조정');
    expect(officer).toContain('근거: DOC-0001');
    expect(officer).toContain('업체 면담 완료');
    // The linked indicator read from the statistics: nobody has answered a quiz, so it is flagged.
    expect(officer).toContain('⚠️ 지표 미달: 퀴즈 참여율 0.0% (목표 80%)');
    expect(officer.match(/📎 .*probity-plan-integrity-plan-\d{4}-[\d-]+\.(xlsx|md|html)/g)).toHaveLength(3);
    expect(query<{ n: number }>(file, 'SELECT COUNT(*) AS n FROM plan_checkins')[0]!.n).toBe(2);

    // The same report from the command line, as of a day, into a folder.
    const day = `${year}-12-31`;
    const cli = await run('cli', ['report', 'plan', day, '--out', dir], { env });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`추진 현황 (${day} 기준)`);
    for (const ext of ['xlsx', 'md', 'html']) expect(existsSync(join(dir, `probity-plan-integrity-plan-${year}-${day}.${ext}`)), ext).toBe(true);
    const sheets = await readXlsx(readFileSync(join(dir, `probity-plan-integrity-plan-${year}-${day}.xlsx`)));
    expect(sheets.map((s) => s.name)).toEqual(['요약', 'S1 청렴 문화 확산', 'S2 부패 위험 관리', 'S3 청렴 체감도 향상']);
    expect((await run('cli', ['report', 'plan', 'tomorrow'], { env })).stderr).toContain('"tomorrow"');
    expect(query<{ action: string }>(file, "SELECT action FROM audit_log WHERE action LIKE 'plan.%' OR action = 'report.plan' ORDER BY id").map((a) => a.action)).toEqual(['plan.load', 'plan.checkin', 'plan.checkin', 'plan.status', 'report.plan', 'report.plan']);
  }, 120_000);
});
