/**
 * The training ledger and the evidence pack as an integrity officer runs them: `npm run cli --
 * training import` of a file saved by Excel (UTF-8 with BOM, or CP949), again without counting twice,
 * a bad file refused by row and field, `training add`, and `report evidence` twice into folders that
 * differ only in GENERATED.txt and pass `sha256sum -c`.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cli.js';
import { readXlsx } from '../../src/features/stats/xlsx.js';
import { query, run, tempDir } from './support.js';

const ROSTER = [
  'employee_no,name,email,department,roles,locale,promoted_on,head',
  '0001,시장,mayor@city.example,시청,manager,ko,,y',
  ...[1, 2, 3, 4, 5].map((i) => `110${i},감사${i},a${i}@city.example,시청/감사과,employee,ko,,`),
  '9001,최담당,choi@city.example,시청/감사과,hr,ko,,',
].join('\r\n');
const LEDGER = ['date,title,kind,minutes,employee_no', '2026-04-10,"청렴 집합교육, 상반기",집합,120,0001', '2026-04-10,"청렴 집합교육, 상반기",집합,120,1101', '2026-05-20,청탁금지법 이러닝,이러닝,60,1102'].join('\r\n');

function capture(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l) };
}

describe('npm run cli -- training … / report evidence', () => {
  const dir = tempDir();
  const db = join(dir, 'p.sqlite');
  const env = { DATABASE_URL: `sqlite:${db}`, PROBITY_TIMEZONE: 'Asia/Seoul', PROBITY_LOCALE: 'ko' };
  const count = () => query<{ s: number; a: number }>(db, 'SELECT (SELECT COUNT(*) FROM training_sessions) AS s, (SELECT COUNT(*) FROM training_attendance) AS a')[0];

  beforeAll(async () => {
    writeFileSync(join(dir, 'roster.csv'), ROSTER);
    const imported = await run('cli', ['roster', 'import', join(dir, 'roster.csv')], { env });
    expect(imported.code, imported.stderr).toBe(0);
  });

  it('GIVEN an Excel file with a BOM WHEN imported twice THEN the second import counts nothing again', async () => {
    writeFileSync(join(dir, 'ledger.csv'), `\uFEFF${LEDGER}\r\n`);
    const first = await run('cli', ['training', 'import', join(dir, 'ledger.csv')], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('새 회차 2개 (기존 0개), 새 참석 3건');
    const again = await run('cli', ['training', 'import', join(dir, 'ledger.csv')], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('새 회차 0개 (기존 2개), 새 참석 0건 (이미 있던 3건은 다시 세지 않음)');
    expect(count()).toEqual({ s: 2, a: 3 });
    expect(query<{ title: string }>(db, "SELECT title FROM training_sessions WHERE kind = 'face_to_face'")).toEqual([{ title: '청렴 집합교육, 상반기' }]);
  });

  it('GIVEN a CP949 file WHEN imported THEN it is read as Korean; a bad file names each row and field and records nothing', async () => {
    writeFileSync(join(dir, 'cp949.csv'), iconv.encode(['date,title,kind,minutes,employee_no', '2026-06-02,반부패 온라인 교육,온라인,60,1103'].join('\r\n'), 'cp949'));
    const io = capture();
    expect(await runCli(['training', 'import', join(dir, 'cp949.csv')], io, env)).toBe(0);
    expect(io.lines[0]).toContain('CP949(EUC-KR');
    expect(query<{ title: string }>(db, "SELECT title FROM training_sessions WHERE kind = 'online'")).toEqual([{ title: '반부패 온라인 교육' }]);

    writeFileSync(join(dir, 'bad.csv'), ['date,title,kind,minutes,employee_no', '2026-02-30,교육,집합,120,1101', '2026-07-01,교육,세미나,0,1101', '2026-07-01,교육,집합,60,7777'].join('\n'));
    const before = count();
    const bad = capture();
    expect(await runCli(['training', 'import', join(dir, 'bad.csv')], bad, env)).toBe(1);
    expect(bad.lines).toEqual([
      '2행 date: date(교육일)는 YYYY-MM-DD 형식의 날짜여야 합니다: "2026-02-30"',
      '3행 kind: kind(교육 방식)는 face_to_face|online|elearning 중 하나여야 합니다 (집합·온라인·이러닝도 가능): "세미나"',
      '3행 minutes: minutes(교육 시간, 분)는 1부터 720 사이의 정수여야 합니다: "0"',
      '문제 3건 때문에 아무것도 기록하지 않았습니다. 파일을 고친 뒤 다시 가져오세요.',
    ]);
    expect(count()).toEqual(before);
    // Rows that are fine on their own still wait for the roster check: an unknown number stops the whole file.
    writeFileSync(join(dir, 'unknown.csv'), ['date,title,kind,minutes,employee_no', '2026-07-01,교육,집합,60,1101', '2026-07-01,교육,집합,60,7777'].join('\n'));
    const unknown = capture();
    expect(await runCli(['training', 'import', join(dir, 'unknown.csv')], unknown, env)).toBe(1);
    expect(unknown.lines[0]).toBe('3행 employee_no: 명부에 없는 직원번호입니다: "7777"');
    expect(count()).toEqual(before);
  });

  it('GIVEN training add WHEN it names a session and people THEN they are recorded once; a bad kind is named', async () => {
    const args = ['training', 'add', '--date', '2026-09-15', '--title', '하반기 청렴교육', '--kind', 'face_to_face', '--minutes', '60', '1104', '1105', '1104'];
    const io = capture();
    expect(await runCli(args, io, env)).toBe(0);
    expect(io.lines).toEqual(['청렴교육 기록: 새 회차 1개 (기존 0개), 새 참석 2건 (이미 있던 0건은 다시 세지 않음)']);
    const bad = capture();
    expect(await runCli(['training', 'add', '--date', '2026-09-15', '--title', 'x', '--kind', 'webinar', '--minutes', '60', '1104'], bad, env)).toBe(1);
    expect(bad.lines[0]).toBe('kind: kind(교육 방식)는 face_to_face|online|elearning 중 하나여야 합니다 (집합·온라인·이러닝도 가능): "webinar"');
    const unknown = capture();
    expect(await runCli(['training', 'add', '--date', '2026-09-15', '--title', 'x', '--kind', 'online', '--minutes', '60', '1104', '7777'], unknown, env)).toBe(1);
    expect(unknown.lines).toEqual(['employee_no: 명부에 없는 직원번호입니다: "7777"', '문제 1건 때문에 아무것도 기록하지 않았습니다. 고친 뒤 다시 실행하세요.']);
    const future = capture();
    expect(await runCli(['training', 'add', '--date', '2099-09-15', '--title', 'x', '--kind', 'online', '--minutes', '60', '1104'], future, env)).toBe(1);
    expect(future.lines[0]).toMatch(/^date: date\(교육일\) "2099-09-15"가 오늘\(\d{4}-\d{2}-\d{2}\)보다 뒤입니다/);
    expect(query(db, "SELECT id FROM training_sessions WHERE title = 'x'")).toEqual([]);
  });

  it('GIVEN the records WHEN the ledger is exported THEN the workbook holds the figures, the sessions and each person, and the export is audited', async () => {
    const io = capture();
    expect(await runCli(['training', 'export', '2026', '--out', join(dir, 'ledger')], io, env)).toBe(0);
    const path = join(dir, 'ledger', 'probity-training-2026.xlsx');
    expect(io.lines).toEqual([`📎 파일을 저장했습니다: ${path}`]);
    const [summary, sessions, people] = await readXlsx(readFileSync(path));
    expect(summary!.rows).toContainEqual(['기관장 참석', '참석 (120분)']);
    expect(sessions!.rows.map((r) => r[2])).toEqual(['제목', '청렴 집합교육, 상반기', '청탁금지법 이러닝', '반부패 온라인 교육', '하반기 청렴교육']);
    expect(people!.rows.find((r) => r[2] === '1102')).toEqual(['시청/감사과', '감사2', '1102', 60, 0, '아니오', null, null, '아니오']);
    // One department: its people only, and no head line (the head is the organisation's).
    const scoped = capture();
    expect(await runCli(['training', 'export', '2026', '--department', '시청/감사과', '--out', join(dir, 'ledger')], scoped, env)).toBe(0);
    const [scopedSummary, , scopedPeople] = await readXlsx(readFileSync(scoped.lines[0]!.split(': ')[1]!));
    expect(scopedSummary!.rows).toContainEqual(['부서', '시청/감사과']);
    expect(scopedSummary!.rows.some((r) => r[0] === '기관장 참석')).toBe(false);
    expect(scopedPeople!.rows.slice(1).map((r) => r[2])).toEqual(['1101', '1102', '1103', '1104', '1105', '9001']);
    const unknown = capture();
    expect(await runCli(['training', 'export', '2026', '--department', '없는과'], unknown, env)).toBe(1);
    expect(query(db, "SELECT id FROM audit_log WHERE action = 'export' AND details LIKE '%training%'")).toHaveLength(2);
  });

  it('GIVEN the records WHEN report evidence runs twice THEN two folders differ only in GENERATED.txt, the manifest verifies, and the generation is audited', async () => {
    const out = join(dir, 'evidence');
    const first = await run('cli', ['report', 'evidence', '2026', '--out', out], { env });
    expect(first.code, first.stderr).toBe(0);
    const second = await run('cli', ['report', 'evidence', '2026', '--out', out], { env });
    expect(second.code, second.stderr).toBe(0);
    const folders = readdirSync(out).sort();
    expect(folders).toEqual(['probity-evidence-2026', 'probity-evidence-2026-1']);
    const [a, b] = folders.map((f) => join(out, f));
    const files = readdirSync(a!).sort();
    expect(files).toEqual([
      'GENERATED.txt',
      'MANIFEST.sha256',
      'SUMMARY.md',
      'annual-report-2026.md',
      'annual-report-2026.xlsx',
      'effect-reports-2026.md',
      'leadership-letters-2026.xlsx',
      'pledge-signatures-2026.xlsx',
      'pulse-results-2026.xlsx',
      'quiz-participation-2026.xlsx',
      'training-ledger-2026.xlsx',
    ]);
    expect(readdirSync(b!).sort()).toEqual(files);
    const differing = files.filter((f) => !readFileSync(join(a!, f)).equals(readFileSync(join(b!, f))));
    expect(differing).toEqual(['GENERATED.txt']);
    const check = execFileSync('sha256sum', ['-c', 'MANIFEST.sha256'], { cwd: a!, encoding: 'utf8' });
    expect(check.trim().split('\n')).toHaveLength(files.length - 2);
    expect(check).not.toContain('FAILED');
    expect(readFileSync(join(a!, 'SUMMARY.md'), 'utf8')).toContain('| training-ledger-2026.xlsx | 이행 |');
    const audits = query<{ details: string }>(db, "SELECT details FROM audit_log WHERE action = 'report.evidence' ORDER BY id");
    expect(audits).toHaveLength(2);
    const manifestSha = execFileSync('sha256sum', ['MANIFEST.sha256'], { cwd: a!, encoding: 'utf8' }).split(' ')[0];
    expect(JSON.parse(audits[0]!.details)).toMatchObject({ year: 2026, folder: 'probity-evidence-2026', files: 11, manifestSha256: manifestSha });
    expect(first.stdout).toContain(`MANIFEST SHA-256 ${manifestSha}`);
  });

  it('GIVEN a bad year WHEN report evidence runs THEN it says how to use it and writes nothing', async () => {
    const io = capture();
    expect(await runCli(['report', 'evidence', '20x6', '--out', join(dir, 'none')], io, env)).toBe(1);
    expect(io.lines).toEqual(['사용법: `report evidence <연도> [--out 폴더]` (예: report evidence 2026)']);
    const bare = capture();
    expect(await runCli(['report', 'evidence', '2026', '--out'], bare, env)).toBe(1);
    expect(bare.lines).toEqual(['사용법: `report evidence <연도> [--out 폴더]` (예: report evidence 2026)']);
  });

  it('GIVEN an --out that is a file WHEN report evidence runs THEN it says so in words, exits 1 and writes nothing', async () => {
    const file = join(dir, 'not-a-folder.txt');
    writeFileSync(file, 'x');
    const io = capture();
    const audits = () => query(db, "SELECT id FROM audit_log WHERE action = 'report.evidence'").length;
    const before = audits();
    expect(await runCli(['report', 'evidence', '2026', '--out', file], io, env)).toBe(1);
    expect(io.lines).toEqual([`증빙 자료 폴더를 ${file} 에 쓸 수 없습니다 (EEXIST). 쓸 수 있는 폴더를 --out 으로 지정하세요. 아무것도 남기지 않았습니다.`]);
    expect(readFileSync(file, 'utf8')).toBe('x');
    expect(audits()).toBe(before);
  });

  it('GIVEN a wrong attendee and a wrong session WHEN listed and removed THEN confirmation is asked (or --yes needed), the removal is audited, a retry finds nothing left, and the evidence pack follows', async () => {
    const ids = Object.fromEntries(query<{ id: number; title: string }>(db, 'SELECT id, title FROM training_sessions').map((r) => [r.title, r.id]));
    const [h1, online, h2] = [ids['청렴 집합교육, 상반기']!, ids['반부패 온라인 교육']!, ids['하반기 청렴교육']!];
    const listed = capture();
    expect(await runCli(['training', 'list', '2026'], listed, env)).toBe(0);
    expect(listed.lines).toEqual([
      'ID | 교육일 | 교육명 | 방식 | 시간(분) | 참석 인원',
      `${h1} | 2026-04-10 | 청렴 집합교육, 상반기 | 집합(대면) | 120 | 2명`,
      `${ids['청탁금지법 이러닝']} | 2026-05-20 | 청탁금지법 이러닝 | 이러닝 | 60 | 1명`,
      `${online} | 2026-06-02 | 반부패 온라인 교육 | 온라인(실시간) | 60 | 1명`,
      `${h2} | 2026-09-15 | 하반기 청렴교육 | 집합(대면) | 60 | 2명`,
    ]);
    const scoped = capture();
    expect(await runCli(['training', 'list', '2026', '--department', '시청/감사과'], scoped, env)).toBe(0);
    expect(scoped.lines[1]).toBe(`${h1} | 2026-04-10 | 청렴 집합교육, 상반기 | 집합(대면) | 120 | 1명`);
    const attendance = () => query<{ n: number }>(db, `SELECT COUNT(*) AS n FROM training_attendance WHERE session_id = ${h2}`)[0]!.n;
    const audits = () => query<{ details: string }>(db, "SELECT details FROM audit_log WHERE action = 'training.remove' ORDER BY id").map((r) => JSON.parse(r.details));

    // No terminal to answer: --yes is needed, nothing changes.
    const piped = await run('cli', ['training', 'remove', '--session', String(h2), '1105'], { env });
    expect(piped.code).toBe(1);
    expect(piped.stderr).toContain(`회차 ${h2} (2026-09-15 · 하반기 청렴교육 · 집합(대면) · 60분)에서 참석자 1명을 지웁니다: 1105`);
    expect(piped.stderr).toContain('정말 지우려면 --yes를 붙여 다시 실행하세요');
    const refused = { ...capture(), ask: async () => 'n' };
    expect(await runCli(['training', 'remove', '--session', String(h2), '1105'], refused, env)).toBe(1);
    expect(refused.lines).toEqual(['취소했습니다. 아무것도 바꾸지 않았습니다.']);
    expect(attendance()).toBe(2);
    const questions: string[] = [];
    const agreed = { ...capture(), ask: async (q: string) => (questions.push(q), '예') };
    expect(await runCli(['training', 'remove', '--session', String(h2), '1105'], agreed, env)).toBe(0);
    expect(questions).toEqual([`회차 ${h2} (2026-09-15 · 하반기 청렴교육 · 집합(대면) · 60분)에서 참석자 1명을 지웁니다: 1105 계속할까요? [y/N] `]);
    expect(agreed.lines).toEqual([`회차 ${h2} (2026-09-15 · 하반기 청렴교육)에서 참석 1건을 지웠습니다: 1105 (감사 로그에 기록).`]);
    expect(attendance()).toBe(1);
    expect(audits()).toEqual([{ session: { id: h2, day: '2026-09-15', title: '하반기 청렴교육', kind: 'face_to_face', minutes: 60 }, whole: false, employeeNos: ['1105'], attendanceRemoved: 1 }]);

    // Twice is harmless (exit 0, nothing written); bad input names the item and changes nothing.
    const again = capture();
    expect(await runCli(['training', 'remove', '--session', String(h2), '1105', '--yes'], again, env)).toBe(0);
    expect(again.lines).toEqual([`회차 ${h2}에서 지울 것이 남아 있지 않습니다 (이미 지워졌습니다).`]);
    for (const [args, line] of [
      [['--session', 'x1'], '회차 ID는 `training list`에 나오는 양의 정수여야 합니다: "x1"'],
      [['--session', '99999'], 'ID 99999인 교육 회차가 없습니다. `training list`로 확인하세요.'],
      [['--session', String(h2), '1101'], `직원번호 1101은 회차 ${h2}의 참석자가 아닙니다`],
    ] as const) {
      const bad = capture();
      expect(await runCli(['training', 'remove', ...args, '--yes'], bad, env)).toBe(1);
      expect(bad.lines).toEqual([line, '아무것도 바꾸지 않았습니다.']);
    }
    const english = capture();
    expect(await runCli(['training', 'remove', '--session', String(h2), '1101', '--yes'], english, { ...env, PROBITY_LOCALE: 'en' })).toBe(1);
    expect(english.lines).toEqual([`employee number 1101 is not an attendee of session ${h2}`, 'Nothing was changed.']);
    expect(audits()).toHaveLength(1);

    // The whole session, then the evidence pack's ledger no longer holds it.
    const whole = await run('cli', ['training', 'remove', '--session', String(online), '--yes'], { env });
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout).toContain(`회차 ${online} (2026-06-02 · 반부패 온라인 교육) 전체와 참석 기록 1건을 지웠습니다`);
    expect(query(db, `SELECT id FROM training_attendance WHERE session_id = ${online}`)).toEqual([]);
    expect(audits()[1]).toMatchObject({ whole: true, employeeNos: ['1103'], attendanceRemoved: 1 });
    const out = join(dir, 'evidence-after');
    const pack = await run('cli', ['report', 'evidence', '2026', '--out', out], { env });
    expect(pack.code, pack.stderr).toBe(0);
    const [, sessions, people] = await readXlsx(readFileSync(join(out, 'probity-evidence-2026', 'training-ledger-2026.xlsx')));
    expect(sessions!.rows.map((r) => r[2])).toEqual(['제목', '청렴 집합교육, 상반기', '청탁금지법 이러닝', '하반기 청렴교육']);
    expect(people!.rows.find((r) => r[2] === '1105')![3]).toBe(0);
  });
});
