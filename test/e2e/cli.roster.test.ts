/**
 * `roster import` as the operator runs it, in process: files as Excel saves them (CP949), dry runs,
 * and the confirmation asked before a large wave of new members is added and welcomed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { NEW_MEMBERS_CONFIRMATION_THRESHOLD, runCli, type CliIo } from '../../src/cli.js';
import { CsvReader, parseCsv } from '../../src/features/people/csv.js';
import { query, tempDir } from './support.js';

const HEADER = 'employee_no,name,email,department,roles,locale';
const FIRST = [HEADER, '1001,김청렴,kim@city.example.kr,행정국/감사과,employee,ko', '1002,이투명,lee@city.example.kr,경제국/투자유치과,employee;hr,ko'].join('\r\n');

function capture(answers?: string[]): CliIo & { lines: string[]; asked: string[] } {
  const lines: string[] = [];
  const asked: string[] = [];
  const io: CliIo & { lines: string[]; asked: string[] } = { lines, asked, out: (l) => lines.push(l), err: (l) => lines.push(l) };
  if (answers) {
    io.ask = async (question) => {
      asked.push(question);
      return answers.shift();
    };
  }
  return io;
}

function setup() {
  const dir = tempDir();
  const db = join(dir, 'p.sqlite');
  return { dir, db, env: { DATABASE_URL: `sqlite:${db}`, PROBITY_LOCALE: 'en' } };
}

function newHires(count: number, from = 2000): string {
  return Array.from({ length: count }, (_, i) => `${from + i},신입${i},new${from + i}@city.example.kr,복지국/노인복지과,employee,ko`).join('\r\n');
}

const welcomeDeliveries = (db: string) => query(db, "SELECT d.id FROM deliveries d JOIN job_runs j ON j.id = d.job_run_id WHERE j.slot LIKE 'welcome:%'");

describe('roster files that are not UTF-8', () => {
  it('GIVEN a CP949 file as Excel saves it WHEN imported THEN the Korean names and departments are right and the report says how it was read', async () => {
    const { dir, db, env } = setup();
    const file = join(dir, 'excel.csv');
    writeFileSync(file, iconv.encode(FIRST, 'cp949'));
    // The bytes really are not UTF-8 (the bug stored them as U+FFFD).
    expect(readFileSync(file, 'utf8')).toContain('\uFFFD');
    const io = capture();
    expect(await runCli(['roster', 'import', file], io, env)).toBe(0);
    expect(io.lines[0]).toBe(`Note: ${file} is not UTF-8; it was read as CP949 (EUC-KR, Excel's Korean CSV).`);
    expect(query(db, 'SELECT name FROM members ORDER BY employee_no')).toEqual([{ name: '김청렴' }, { name: '이투명' }]);
    const paths = query<{ path: string }>(db, 'SELECT path FROM departments ORDER BY path').map((d) => d.path);
    expect(paths).toEqual(['경제국', '경제국/투자유치과', '행정국', '행정국/감사과']);
    expect(query(db, "SELECT id FROM members WHERE name LIKE '%' || char(65533) || '%'")).toEqual([]);
  });

  it('GIVEN a file in neither UTF-8 nor CP949 WHEN imported THEN it is refused by name and nothing is stored', async () => {
    const { dir, db, env } = setup();
    const file = join(dir, 'broken.csv');
    // 0xFF is neither a UTF-8 byte nor a CP949 lead byte.
    writeFileSync(file, Buffer.concat([Buffer.from(`${HEADER}\n1001,`), Buffer.from([0xff, 0xff]), Buffer.from(',a@b.kr,행정국,employee,ko\n')]));
    const io = capture();
    expect(await runCli(['roster', 'import', file], io, env)).toBe(1);
    expect(io.lines).toEqual([`${file}: the file is neither UTF-8 nor CP949 (EUC-KR), so nothing was imported. Save it again from Excel as “CSV UTF-8 (Comma delimited)”.`]);
    // Refused before the database is even opened.
    expect(existsSync(db)).toBe(false);
  });

  it('GIVEN a UTF-8 file already holding replacement characters WHEN imported THEN that row is named and nothing is stored', async () => {
    const { dir, db, env } = setup();
    const file = join(dir, 'damaged.csv');
    writeFileSync(file, `${HEADER}\n1001,\uFFFD\uFFFD\uFFFD,a@city.example.kr,\uFFFD\uFFFD,employee,ko\n`);
    const io = capture();
    expect(await runCli(['roster', 'import', file], io, env)).toBe(1);
    expect(io.lines[0]).toMatch(/^row 2: contains a replacement character/);
    expect(query(db, 'SELECT id FROM members')).toEqual([]);
    expect(query(db, 'SELECT id FROM departments')).toEqual([]);
  });
});

describe('roster import at scale', () => {
  it('GIVEN --dry-run WHEN a file adds people THEN it says what would change and how many welcomes, and writes nothing', async () => {
    const { dir, db, env } = setup();
    writeFileSync(join(dir, 'one.csv'), FIRST);
    expect(await runCli(['roster', 'import', join(dir, 'one.csv')], capture(), env)).toBe(0);
    const before = query(db, 'SELECT * FROM members ORDER BY id');
    writeFileSync(join(dir, 'two.csv'), `${FIRST.replace('이투명', '이투명2')}\r\n${newHires(3)}`);
    const io = capture();
    expect(await runCli(['roster', 'import', join(dir, 'two.csv'), '--dry-run'], io, env)).toBe(0);
    expect(io.lines).toEqual(['Dry run, nothing was written. Importing would give: 3 new, 1 changed, 0 rejoined, 1 unchanged, 0 marked as left, 0 rows skipped, 3 welcome pledge message(s).']);
    expect(query(db, 'SELECT * FROM members ORDER BY id')).toEqual(before);
    expect(welcomeDeliveries(db)).toEqual([]);
    expect(query(db, "SELECT id FROM audit_log WHERE action = 'roster.import'")).toHaveLength(1);
  });

  it(`GIVEN more than ${NEW_MEMBERS_CONFIRMATION_THRESHOLD} new members and no terminal WHEN imported without --yes THEN it refuses, naming the threshold; with --yes it imports and welcomes them`, async () => {
    const { dir, db, env } = setup();
    writeFileSync(join(dir, 'one.csv'), FIRST);
    expect(await runCli(['roster', 'import', join(dir, 'one.csv')], capture(), env)).toBe(0);
    const wave = NEW_MEMBERS_CONFIRMATION_THRESHOLD + 1;
    writeFileSync(join(dir, 'wave.csv'), `${FIRST}\r\n${newHires(wave)}`);
    const refused = capture();
    expect(await runCli(['roster', 'import', join(dir, 'wave.csv')], refused, env)).toBe(1);
    expect(refused.lines).toEqual([
      `${wave} new members is over the confirmation threshold (${NEW_MEMBERS_CONFIRMATION_THRESHOLD}; ${wave} welcome pledge message(s)), so nothing was imported. Check with --dry-run, then run again with --yes.`,
    ]);
    expect(query(db, 'SELECT id FROM members')).toHaveLength(2);
    expect(welcomeDeliveries(db)).toEqual([]);

    expect(await runCli(['roster', 'import', join(dir, 'wave.csv'), '--yes'], capture(), env)).toBe(0);
    expect(query(db, 'SELECT id FROM members')).toHaveLength(2 + wave);
    expect(welcomeDeliveries(db)).toHaveLength(wave);
  });

  it('GIVEN a terminal WHEN a large wave is declined THEN nothing changes; WHEN it is accepted THEN it imports', async () => {
    const { dir, db, env } = setup();
    writeFileSync(join(dir, 'one.csv'), FIRST);
    expect(await runCli(['roster', 'import', join(dir, 'one.csv')], capture(), env)).toBe(0);
    const wave = NEW_MEMBERS_CONFIRMATION_THRESHOLD + 5;
    writeFileSync(join(dir, 'wave.csv'), `${FIRST}\r\n${newHires(wave)}`);
    const declined = capture(['n']);
    expect(await runCli(['roster', 'import', join(dir, 'wave.csv')], declined, env)).toBe(1);
    expect(declined.asked).toEqual([`This adds ${wave} new members and sends ${wave} welcome pledge message(s). Go on? [y/N] `]);
    expect(declined.lines).toEqual(['Import cancelled; nothing changed.']);
    expect(query(db, 'SELECT id FROM members')).toHaveLength(2);

    expect(await runCli(['roster', 'import', join(dir, 'wave.csv')], capture(['y']), env)).toBe(0);
    expect(query(db, 'SELECT id FROM members')).toHaveLength(2 + wave);
  });

  it('GIVEN a few new hires (at most the threshold) THEN nobody is asked', async () => {
    const { dir, db, env } = setup();
    writeFileSync(join(dir, 'one.csv'), FIRST);
    expect(await runCli(['roster', 'import', join(dir, 'one.csv')], capture(), env)).toBe(0);
    writeFileSync(join(dir, 'two.csv'), `${FIRST}\r\n${newHires(NEW_MEMBERS_CONFIRMATION_THRESHOLD)}`);
    const io = capture([]);
    expect(await runCli(['roster', 'import', join(dir, 'two.csv')], io, env)).toBe(0);
    expect(io.asked).toEqual([]);
    expect(query(db, 'SELECT id FROM members')).toHaveLength(2 + NEW_MEMBERS_CONFIRMATION_THRESHOLD);
  });
});

describe('CSV read in pieces', () => {
  const text = '\uFEFFa,"b ""q"", c"\r\n"x\r\ny",z\r\n\r\nlast,"',
    closed = `${text}"`;
  it('GIVEN any split of the text into pieces THEN the records are those of reading it whole', () => {
    const whole = parseCsv(closed);
    for (let size = 1; size <= closed.length; size++) {
      const reader = new CsvReader();
      const records: string[][] = [];
      for (let i = 0; i < closed.length; i += size) records.push(...reader.push(closed.slice(i, i + size)));
      records.push(...reader.end());
      while (records.length > 0 && records[records.length - 1]!.length === 0) records.pop();
      expect(records, `pieces of ${size}`).toEqual(whole);
    }
    expect(() => parseCsv(text)).toThrow();
  });
});
