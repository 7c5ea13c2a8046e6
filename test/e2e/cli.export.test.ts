/**
 * The export and report commands as an HR officer runs them: `npm run cli -- export participation
 * --period 2026 --format csv` on a database with a year of answers, one department of three people.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { readXlsx } from '../../src/features/stats/xlsx.js';
import { run, tempDir } from './support.js';

const DEPARTMENTS: [number, string, number | null, number][] = [
  // id, path, parent, direct members
  [1, '행정국', null, 2],
  [2, '행정국/감사과', 1, 6],
  [3, '행정국/총무과', 1, 6],
  [4, '복지국', null, 5],
  [5, '복지국/노인복지과', 4, 3],
];

/** Parses the export (RFC 4180, CRLF) well enough for these files: no quoted line breaks. */
function parseCsv(text: string): string[][] {
  return text
    .trimEnd()
    .split('\r\n')
    .map((line) => {
      const cells: string[] = [];
      for (const match of line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)) cells.push(match[1] !== undefined ? match[1].replace(/""/g, '"') : (match[2] ?? ''));
      return cells;
    });
}

describe('npm run cli -- export / report', () => {
  const dir = tempDir();
  const db = join(dir, 'p.sqlite');
  const env = { DATABASE_URL: `sqlite:${db}`, PROBITY_TIMEZONE: 'Asia/Seoul' };

  beforeAll(async () => {
    const migrated = await run('cli', ['migrate'], { env });
    expect(migrated.code).toBe(0);
    // A year of data written directly: departments, 22 members employed since January, and answers
    // on the first working days of March by everyone except two people.
    const sqlite = new SqliteDatabase(db);
    const now = '2026-01-02T00:00:00.000Z';
    const insertDepartment = sqlite.prepare('INSERT INTO departments (id, name, parent_id, path, created_at) VALUES (?, ?, ?, ?, ?)');
    const insertMember = sqlite.prepare(
      "INSERT INTO members (employee_no, name, email, department_id, roles, locale, preferred_locale, source, joined_on, left_on, created_at, updated_at) VALUES (?, ?, NULL, ?, 'employee', 'ko', NULL, 'roster', '2026-01-05', NULL, ?, ?)",
    );
    sqlite
      .prepare("INSERT INTO questions (id, pack, slug, version, topic, kind, difficulty, choice_count, answer_index, content_hash, body, active, created_at) VALUES (1, 'core', 'q', 1, 'graft-act', 'ox', 1, 2, 0, 'h', '{}', 1, ?)")
      .run(now);
    const insertAnswer = sqlite.prepare("INSERT INTO quiz_answers (member_id, question_id, quiz_day, choice_index, correct, platform, answered_at) VALUES (?, 1, ?, 0, 1, 'console', ?)");
    let employeeNo = 1000;
    const memberIds: number[] = [];
    for (const [id, path, parent, members] of DEPARTMENTS) {
      insertDepartment.run(id, path.split('/').at(-1), parent, path, now);
      for (let i = 0; i < members; i++) memberIds.push(Number(insertMember.run(String(++employeeNo), `직원${employeeNo}`, id, now, now).lastInsertRowid));
    }
    for (const [index, memberId] of memberIds.entries()) {
      if (index === 3 || index === 10) continue;
      for (const day of ['2026-03-02', '2026-03-03', '2026-03-04']) insertAnswer.run(memberId, day, `${day}T00:10:00.000Z`);
    }
    sqlite.close();
  }, 60_000);

  it('writes a CSV with a BOM whose department headcounts add up to the organisation, with a 3-person department hidden beyond subtraction', async () => {
    const out = join(dir, 'exports');
    const result = await run('cli', ['export', 'participation', '--period', '2026', '--format', 'csv', '--out', out], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const path = join(out, 'probity-participation-2026.csv');
    expect(result.stdout).toContain(path);
    const bytes = readFileSync(path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(header![0]).toBe('부서');
    const total = rows.find((r) => r[0] === '전체')!;
    const departments = rows.filter((r) => r !== total);
    expect(departments.map((r) => r[0]).sort()).toEqual(DEPARTMENTS.map((d) => d[1]).sort());
    const headcount = (r: string[]) => Number(r[2]);
    expect(headcount(total)).toBe(22);
    expect(departments.reduce((sum, r) => sum + headcount(r), 0)).toBe(headcount(total));

    // The 3-person department: participants and rates empty, with the reason.
    const small = departments.find((r) => r[0] === '복지국/노인복지과')!;
    expect(small.slice(3, 6)).toEqual(['', '', '']);
    expect(small.at(-1)).not.toBe('');
    // Its parent's own row (복지국, 5 people) is hidden with it: otherwise 복지국's subtree figure or the
    // total minus the other rows would give the small department's participants away.
    const hidden = departments.filter((r) => r[3] === '');
    expect(hidden.length).toBeGreaterThanOrEqual(2);
    const shownParticipants = departments.filter((r) => r[3] !== '').reduce((sum, r) => sum + Number(r[3]), 0);
    const hiddenPeople = hidden.reduce((sum, r) => sum + headcount(r), 0);
    // What subtraction could tell is only the hidden rows' sum, which covers more than the small group.
    expect(Number(total[3]) - shownParticipants).toBeLessThanOrEqual(hiddenPeople);
    expect(hiddenPeople).toBeGreaterThan(3);
  }, 60_000);

  it('writes the same export as XLSX that reads back, and the annual report as a workbook and Markdown', async () => {
    const out = join(dir, 'xlsx');
    const exported = await run('cli', ['export', 'participation', '--period', '2026', '--format', 'xlsx', '--out', out], { env });
    expect(exported.code).toBe(0);
    const [sheet] = await readXlsx(readFileSync(join(out, 'probity-participation-2026.xlsx')));
    expect(sheet!.rows[0]![0]).toBe('부서');
    expect(sheet!.rows.find((r) => r[0] === '전체')![2]).toBe(22);

    const report = await run('cli', ['report', 'annual', '2026', '--out', out], { env });
    expect(report.code).toBe(0);
    const sheets = await readXlsx(readFileSync(join(out, 'probity-annual-report-2026.xlsx')));
    expect(sheets.map((s) => s.name)).toEqual(['요약', '월별·부서별 참여율', '부서별 참여', '주제별 정답률', '서약 서명', '청렴 서한', '청렴 체감 설문']);
    const monthly = sheets[1]!;
    expect(monthly.rows[0]).toContain('2026-03');
    const markdown = readFileSync(join(out, 'probity-annual-report-2026.md'), 'utf8');
    expect(markdown).toContain('# 2026년 청렴 활동 보고서');
    expect(markdown).toContain('| 2026-03 | 22 |');
  }, 90_000);

  it('refuses an unknown kind or period with a clear message and writes nothing', async () => {
    const out = join(dir, 'bad');
    const kind = await run('cli', ['export', 'salaries', '--out', out], { env });
    expect(kind.code).toBe(1);
    expect(kind.stderr).toContain('participation|topics|pledges|announcements');
    const period = await run('cli', ['export', 'participation', '--period', '2026-13', '--out', out], { env });
    expect(period.code).toBe(1);
    expect(period.stderr).toContain('기간을 알 수 없습니다');
    expect(() => readFileSync(join(out, 'probity-participation-2026-13.csv'))).toThrow();
  }, 60_000);
});
