import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from '../../src/features/people/csv.js';
import { parseRoster, type RosterProblem } from '../../src/features/people/roster.js';

describe('parseCsv', () => {
  it('GIVEN plain fields THEN it splits records on newlines and fields on commas', () => {
    expect(parseCsv('a,b,c\n1,2,3')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
  });

  it('GIVEN quoted fields THEN the quotes are removed', () => {
    expect(parseCsv('"a","b c"\n"1",2')).toEqual([
      ['a', 'b c'],
      ['1', '2'],
    ]);
  });

  it('GIVEN doubled quotes inside a quoted field THEN each pair becomes one quote', () => {
    expect(parseCsv('"say ""hi""",x')).toEqual([['say "hi"', 'x']]);
    expect(parseCsv('""""')).toEqual([['"']]);
  });

  it('GIVEN commas and newlines inside quotes THEN they stay inside the field', () => {
    expect(parseCsv('"a,b","line 1\nline 2",c\nd,e,f')).toEqual([
      ['a,b', 'line 1\nline 2', 'c'],
      ['d', 'e', 'f'],
    ]);
  });

  it('GIVEN CRLF line endings THEN records split the same as with LF, and a CRLF inside quotes is kept', () => {
    expect(parseCsv('a,b\r\n1,2\r\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('"x\r\ny",z\r\n')).toEqual([['x\r\ny', 'z']]);
  });

  it('GIVEN a UTF-8 byte-order mark (as Excel writes) THEN it is dropped from the first field', () => {
    const rows = parseCsv('\uFEFFemployee_no,name\n1001,김청렴');
    expect(rows[0]![0]).toBe('employee_no');
    expect(rows).toEqual([
      ['employee_no', 'name'],
      ['1001', '김청렴'],
    ]);
  });

  it('GIVEN a blank line between records THEN it stays as an empty record so later rows keep their numbers', () => {
    expect(parseCsv('a,b\n\n1,2')).toEqual([['a', 'b'], [], ['1', '2']]);
  });

  it('GIVEN a trailing newline THEN no empty record is added', () => {
    expect(parseCsv('a,b\n1,2\n')).toEqual(parseCsv('a,b\n1,2'));
    expect(parseCsv('a,b\n1,2\n')).toHaveLength(2);
  });

  it('GIVEN empty fields THEN they are kept as empty strings, including a trailing one', () => {
    expect(parseCsv('a,,c\n,\n1,')).toEqual([
      ['a', '', 'c'],
      ['', ''],
      ['1', ''],
    ]);
  });

  it('GIVEN an empty input THEN there are no records', () => {
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('\uFEFF')).toEqual([]);
  });

  it('GIVEN an unterminated quoted field THEN it throws CsvSyntaxError with the 1-based record where it starts', () => {
    expect(() => parseCsv('a,b\n"oops,2\n3,4')).toThrow(CsvSyntaxError);
    try {
      parseCsv('a,b\n1,2\n"oops,2\n3,4');
      expect.unreachable('parseCsv should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(CsvSyntaxError);
      expect((error as CsvSyntaxError).record).toBe(3);
    }
  });
});

const HEADER = 'employee_no,name,email,department,roles,locale';
const GOOD = '1001,김청렴,kim@city.example,행정국/감사과,employee,ko';

function roster(...lines: string[]): string {
  return [HEADER, ...lines].join('\n');
}

function only(problems: RosterProblem[]): RosterProblem {
  expect(problems).toHaveLength(1);
  return problems[0]!;
}

describe('parseRoster: a valid file', () => {
  it('GIVEN a valid roster THEN every row is read, with its spreadsheet row number and no problems', () => {
    const parsed = parseRoster(
      roster(
        GOOD,
        '1002,Lee Integrity,LEE@City.Example,행정국/감사과,manager;hr,en',
        '2001,박과장,,행정국,,',
      ),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows).toEqual([
      {
        row: 2,
        employeeNo: '1001',
        name: '김청렴',
        email: 'kim@city.example',
        department: ['행정국', '감사과'],
        roles: ['employee'],
        locale: 'ko',
        slackId: null,
        discordId: null,
        worksId: null,
      },
      {
        row: 3,
        employeeNo: '1002',
        name: 'Lee Integrity',
        email: 'lee@city.example',
        department: ['행정국', '감사과'],
        roles: ['employee', 'manager', 'hr'],
        locale: 'en',
        slackId: null,
        discordId: null,
        worksId: null,
      },
      {
        row: 4,
        employeeNo: '2001',
        name: '박과장',
        email: null,
        department: ['행정국'],
        roles: ['employee'],
        locale: null,
        slackId: null,
        discordId: null,
        worksId: null,
      },
    ]);
  });

  it('GIVEN roles without employee, in any order and case THEN employee is always included and the order is canonical', () => {
    const [row] = parseRoster(roster('1001,김청렴,,행정국,ADMIN; manager,ko')).rows;
    expect(row?.roles).toEqual(['employee', 'manager', 'admin']);
  });

  it('GIVEN a department path THEN it is split on "/" and each part is trimmed', () => {
    const [row] = parseRoster(roster('1001,김청렴,,행정국 / 감사과 / 청렴팀,employee,ko')).rows;
    expect(row?.department).toEqual(['행정국', '감사과', '청렴팀']);
  });

  it('GIVEN header names in another case or with spaces and columns in another order THEN they are recognised', () => {
    const parsed = parseRoster(' Name ,EMPLOYEE_NO,locale,roles,department,email\n김청렴,1001,ko,employee,행정국,kim@city.example');
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows[0]).toMatchObject({ employeeNo: '1001', name: '김청렴', email: 'kim@city.example', department: ['행정국'] });
  });

  it('GIVEN the optional slack_id and discord_id columns THEN they are accepted and read, empty meaning none', () => {
    const parsed = parseRoster(
      [`${HEADER},slack_id,discord_id`, `${GOOD},U012ABC,123456789012345678`, '1002,Lee,,행정국,employee,en,,'].join('\n'),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows.map((r) => [r.slackId, r.discordId])).toEqual([
      ['U012ABC', '123456789012345678'],
      [null, null],
    ]);
  });

  it('GIVEN the optional works_id column THEN the NAVER WORKS user id is read, empty meaning none', () => {
    const parsed = parseRoster([`${HEADER},works_id`, `${GOOD},c72af563-0f21-4736-11e4-045237113344`, '1002,Lee,,행정국,employee,en,'].join('\n'));
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows.map((r) => r.worksId)).toEqual(['c72af563-0f21-4736-11e4-045237113344', null]);
  });

  it('GIVEN an Excel file with BOM and CRLF THEN it reads the same as a plain one', () => {
    const excel = parseRoster(`\uFEFF${HEADER}\r\n${GOOD}\r\n`);
    expect(excel).toEqual(parseRoster(roster(GOOD)));
    expect(excel.rows).toHaveLength(1);
  });

  it('GIVEN a quoted name containing a comma THEN the row is still read', () => {
    const [row] = parseRoster(roster('1001,"Kim, Integrity",,행정국,employee,en')).rows;
    expect(row?.name).toBe('Kim, Integrity');
  });
});

describe('parseRoster: bad rows are reported by spreadsheet row (header = row 1)', () => {
  it.each([
    ['an empty employee number', ',김청렴,,행정국,employee,ko', 'roster.error.employee_no'],
    ['an employee number with a space', '10 01,김청렴,,행정국,employee,ko', 'roster.error.employee_no'],
    ['an employee number over 32 characters', `${'A'.repeat(33)},김청렴,,행정국,employee,ko`, 'roster.error.employee_no'],
    ['a missing name', '1003,,,행정국,employee,ko', 'roster.error.name_missing'],
    ['a name over 100 characters', `1003,${'가'.repeat(101)},,행정국,employee,ko`, 'roster.error.name_too_long'],
    ['a malformed e-mail', '1003,김청렴,not-an-email,행정국,employee,ko', 'roster.error.email'],
    ['an empty department', '1003,김청렴,,,employee,ko', 'roster.error.department'],
    ['a department path with an empty level', '1003,김청렴,,행정국//감사과,employee,ko', 'roster.error.department'],
    ['a department path over 8 levels', '1003,김청렴,,a/b/c/d/e/f/g/h/i,employee,ko', 'roster.error.department'],
    ['a department with a right-to-left override (U+202E)', '1003,김청렴,,행정국/\u202E과사감,employee,ko', 'error.bidi_control'],
    ['a department with a first-strong isolate (U+2068)', '1003,김청렴,,행정국/감사과\u2068,employee,ko', 'error.bidi_control'],
    ['a replacement character left by a bad conversion', '1003,\uFFFD\uFFFD,,행정국,employee,ko', 'roster.error.replacement_character'],
    ['an unknown role', '1003,김청렴,,행정국,employee;boss,ko', 'roster.error.roles'],
    ['an unknown locale', '1003,김청렴,,행정국,employee,fr', 'roster.error.locale'],
    ['too few cells', '1003,김청렴,,행정국,employee', 'roster.error.column_count'],
    ['too many cells', '1003,김청렴,,행정국,employee,ko,extra', 'roster.error.column_count'],
  ])('GIVEN %s on the third line THEN row 3 is reported with that code and the row is not read', (_what, line, code) => {
    const parsed = parseRoster(roster(GOOD, line));
    const problem = only(parsed.problems);
    expect(problem.row).toBe(3);
    expect(problem.code).toBe(code);
    expect(parsed.rows.map((r) => r.row)).toEqual([2]);
  });

  it('GIVEN a repeated employee number THEN the later row is reported naming the first', () => {
    const parsed = parseRoster(roster(GOOD, '1002,Lee,,행정국,employee,en', '1001,또다른,,행정국,employee,ko'));
    expect(only(parsed.problems)).toEqual({ row: 4, code: 'roster.error.duplicate_employee_no', params: { value: '1001', other: 2 } });
    expect(parsed.rows.map((r) => r.row)).toEqual([2, 3]);
  });

  it('GIVEN a repeated e-mail differing only in case THEN the later row is reported naming the first', () => {
    const parsed = parseRoster(roster(GOOD, '1002,Lee,lee@city.example,행정국,employee,en', '1003,Kim2,KIM@city.example,행정국,employee,ko'));
    expect(only(parsed.problems)).toEqual({ row: 4, code: 'roster.error.duplicate_email', params: { value: 'kim@city.example', other: 2 } });
  });

  it('GIVEN several empty e-mails THEN they are not duplicates of each other', () => {
    const parsed = parseRoster(roster('1001,A,,행정국,employee,ko', '1002,B,,행정국,employee,ko'));
    expect(parsed.problems).toEqual([]);
    expect(parsed.rows).toHaveLength(2);
  });

  it('GIVEN one row with several mistakes THEN each is reported for that row', () => {
    const parsed = parseRoster(roster(',,bad,,boss,fr'));
    expect(parsed.problems.map((p) => p.row)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(parsed.problems.map((p) => p.code).sort()).toEqual(
      [
        'roster.error.department',
        'roster.error.email',
        'roster.error.employee_no',
        'roster.error.locale',
        'roster.error.name_missing',
        'roster.error.roles',
      ].sort(),
    );
    expect(parsed.rows).toEqual([]);
  });

  it('GIVEN a multi-line quoted cell THEN the following rows keep their spreadsheet row numbers', () => {
    const parsed = parseRoster(roster('1001,"Kim\nIntegrity",,행정국,employee,ko', '1002,Lee,,행정국,boss,en'));
    expect(only(parsed.problems)).toMatchObject({ row: 3, code: 'roster.error.roles' });
  });

  it('GIVEN a blank line between rows THEN the rows after it keep their spreadsheet row numbers', () => {
    const parsed = parseRoster(roster(GOOD, '', '1002,Lee,,행정국,boss,en'));
    expect(only(parsed.problems)).toMatchObject({ row: 4, code: 'roster.error.roles' });
  });

  it('GIVEN an unterminated quote THEN a csv_syntax problem names the row where it starts and nothing is read', () => {
    const parsed = parseRoster(roster(GOOD, '1002,"Lee,,행정국,employee,en'));
    expect(parsed.rows).toEqual([]);
    expect(only(parsed.problems)).toEqual({ row: 3, code: 'roster.error.csv_syntax' });
  });
});

describe('parseRoster: the header', () => {
  it('GIVEN an empty file THEN it reports roster.error.empty on row 1', () => {
    expect(parseRoster('')).toEqual({ rows: [], problems: [{ row: 1, code: 'roster.error.empty' }] });
  });

  it('GIVEN missing required columns THEN row 1 names them and no row is read', () => {
    const parsed = parseRoster('employee_no,name,department\n1001,김청렴,행정국');
    expect(parsed.rows).toEqual([]);
    expect(only(parsed.problems)).toEqual({ row: 1, code: 'roster.error.missing_columns', params: { columns: 'email, roles, locale' } });
  });

  it('GIVEN an unknown column THEN row 1 names it and lists the allowed ones', () => {
    const parsed = parseRoster(`${HEADER},phone\n${GOOD},010`);
    expect(parsed.rows).toEqual([]);
    const problem = only(parsed.problems);
    expect(problem.row).toBe(1);
    expect(problem.code).toBe('roster.error.unknown_columns');
    expect(problem.params?.['columns']).toBe('phone');
    expect(String(problem.params?.['allowed'])).toContain('slack_id');
  });

  it('GIVEN both missing and unknown columns THEN both are reported on row 1', () => {
    const parsed = parseRoster('employee_no,name,mail,department,roles,locale\n1001,김,k@x.kr,행정국,employee,ko');
    expect(parsed.problems.map((p) => [p.row, p.code])).toEqual([
      [1, 'roster.error.missing_columns'],
      [1, 'roster.error.unknown_columns'],
    ]);
  });
});
