import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readXlsx, sanitizeSheetNames, toXlsx } from '../../../src/features/stats/xlsx.js';

async function load(data: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(data) as unknown as ExcelJS.Buffer);
  return workbook;
}

const header = ['부서', '대상 인원', '참여율', '비고'];
const rows: (string | number | null)[][] = [
  ['경영지원실', 12, 91.7, null],
  ['인사팀', 4, null, '5명 미만 비공개'],
  ['=SUM(B2:B3)', -3, 0, '+82-10-1234-5678'],
  ['-1', 0.125, 100, '@cmd'],
  ['여러 줄\n두 번째 줄', 7, 50, 'He said "안녕"'],
];

describe('toXlsx / readXlsx', () => {
  it('round-trips Korean text, numbers, nulls and formula-looking strings', async () => {
    const data = await toXlsx([{ name: '부서별 참여', header, rows }]);
    expect([...data.subarray(0, 2)]).toEqual([0x50, 0x4b]); // a ZIP container
    const sheets = await readXlsx(data);
    expect(sheets).toEqual([{ name: '부서별 참여', rows: [header, ...rows] }]);
  });

  it('stores formula-looking strings as string cells, never as formulas', async () => {
    const workbook = await load(await toXlsx([{ name: 'S', header, rows }]));
    const ws = workbook.getWorksheet('S')!;
    for (const address of ['A4', 'D4', 'A5', 'D5']) {
      const cell = ws.getCell(address);
      expect(cell.type, address).toBe(ExcelJS.ValueType.String);
      expect(cell.formula, address).toBeFalsy();
    }
    expect(ws.getCell('A4').value).toBe('=SUM(B2:B3)');
  });

  it('readXlsx refuses a real formula, so the check above cannot pass by accident', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('F').getCell('A1').value = { formula: 'SUM(1,2)', result: 3 };
    const data = new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
    await expect(readXlsx(data)).rejects.toThrow(/formula/);
  });

  it('stores numbers as numbers, with the negative ones too', async () => {
    const ws = (await load(await toXlsx([{ name: 'S', header, rows }]))).getWorksheet('S')!;
    expect(ws.getCell('B4').type).toBe(ExcelJS.ValueType.Number);
    expect(ws.getCell('B4').value).toBe(-3);
    expect(ws.getCell('C2').type).toBe(ExcelJS.ValueType.Number);
    expect(ws.getCell('C3').type).toBe(ExcelJS.ValueType.Null);
  });

  it('makes the header row bold and frozen, with a filter, and applies the given widths', async () => {
    const ws = (await load(await toXlsx([{ name: 'S', header, rows, widths: [30, 10] }]))).getWorksheet('S')!;
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(ws.getRow(2).getCell(1).font?.bold).toBeFalsy();
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();
    expect(ws.getColumn(1).width).toBe(30);
    expect(ws.getColumn(2).width).toBe(10);
    // Estimated: "5명 미만 비공개" is 14 cells wide (Hangul counts double), plus a margin.
    expect(ws.getColumn(4).width).toBeGreaterThanOrEqual(14);
  });

  it('writes one worksheet per sheet, in order, with sanitised names', async () => {
    const data = await toXlsx([
      { name: '요약: 2026/11', header: ['a'], rows: [[1]] },
      { name: 'Data', header: ['b'], rows: [['x']] },
      { name: 'data', header: ['c'], rows: [] },
    ]);
    const sheets = await readXlsx(data);
    expect(sheets.map((s) => s.name)).toEqual(['요약_ 2026_11', 'Data', 'data (2)']);
    expect(sheets.map((s) => s.rows)).toEqual([[['a'], [1]], [['b'], ['x']], [['c']]]);
  });

  it('rejects non-finite numbers and rows of the wrong width', async () => {
    await expect(toXlsx([{ name: 'S', header: ['a'], rows: [[Number.NaN]] }])).rejects.toThrow(RangeError);
    await expect(toXlsx([{ name: 'S', header: ['a', 'b'], rows: [[1]] }])).rejects.toThrow(/row 1 has 1 cells/);
  });
});

describe('sanitizeSheetNames', () => {
  it('replaces the characters Excel forbids: [ ] : * ? / \\', () => {
    expect(sanitizeSheetNames(['a[b]c:d*e?f/g\\h'])).toEqual(['a_b_c_d_e_f_g_h']);
  });

  it('cuts names to 31 characters without splitting a surrogate pair', () => {
    const [long] = sanitizeSheetNames(['가'.repeat(40)]);
    expect(long).toBe('가'.repeat(31));
    const [emoji] = sanitizeSheetNames([`${'a'.repeat(30)}😀`]);
    expect(emoji).toBe('a'.repeat(30));
  });

  it('keeps names unique ignoring case, within 31 characters', () => {
    expect(sanitizeSheetNames(['Data', 'data', 'DATA'])).toEqual(['Data', 'data (2)', 'DATA (3)']);
    const names = sanitizeSheetNames(['x'.repeat(35), 'x'.repeat(40)]);
    expect(names).toEqual(['x'.repeat(31), `${'x'.repeat(27)} (2)`]);
    expect(names.every((n) => n.length <= 31)).toBe(true);
  });

  it('fills empty names, avoids the reserved History and strips edge apostrophes and control characters', () => {
    expect(sanitizeSheetNames(['', '   ', 'history', "'인사'", 'a\u0001b'])).toEqual(['Sheet1', 'Sheet2', 'history_', '인사', 'ab']);
  });

  it('produces names that ExcelJS accepts as they are', async () => {
    const names = ['[]', 'History', "''", 'x'.repeat(50), 'X'.repeat(50), '부서/팀:목록?'];
    const data = await toXlsx(names.map((name) => ({ name, header: ['h'], rows: [] })));
    expect((await readXlsx(data)).map((s) => s.name)).toEqual(sanitizeSheetNames(names));
  });
});
