/**
 * XLSX exports (ExcelJS): one worksheet per table, bold and frozen header row with a filter,
 * numbers stored as numbers and every string stored as a string cell, so text such as "=1+1" or
 * "-3 명" is shown as typed and never becomes a formula. Sheet names are made valid for Excel.
 */
import ExcelJS from 'exceljs';
import { fixZipTimes } from '../evidence/zipTimes.js';

export type XlsxCell = string | number | null;

export interface XlsxSheet {
  name: string;
  header: string[];
  rows: XlsxCell[][];
  /** Column widths in characters; a missing one is estimated from the column's text. */
  widths?: number[];
}

export interface XlsxSheetData {
  name: string;
  /** Every row, the header first, each as wide as the sheet's used range; empty cells are null. */
  rows: XlsxCell[][];
}

const MAX_SHEET_NAME = 31;
const MAX_CELL_TEXT = 32_767;
const FORBIDDEN_IN_SHEET_NAME = /[[\]:*?/\\]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;
const MIN_WIDTH = 6;
const MAX_WIDTH = 60;

/** Cuts `text` to at most `max` UTF-16 code units (Excel's unit) without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/**
 * Valid, distinct worksheet names in the order given: at most 31 characters, none of [ ] : * ? / \,
 * no control characters, no apostrophe first or last, not empty, not the reserved "History", and
 * unique ignoring case (a clash gets " (2)", " (3)", … within the 31 characters).
 */
export function sanitizeSheetNames(names: string[]): string[] {
  const taken = new Set<string>();
  return names.map((raw, index) => {
    let base = raw.replace(CONTROL, '').replace(FORBIDDEN_IN_SHEET_NAME, '_').trim();
    base = cut(base, MAX_SHEET_NAME);
    base = base.replace(/^'+|'+$/g, '').trim();
    if (base === '') base = `Sheet${index + 1}`;
    if (base.toLowerCase() === 'history') base = `${base}_`;
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n += 1) {
      const suffix = ` (${n})`;
      name = `${cut(base, MAX_SHEET_NAME - suffix.length).replace(/'+$/, '')}${suffix}`;
    }
    taken.add(name.toLowerCase());
    return name;
  });
}

/** Display width in character cells: Hangul and other wide characters count as two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      cp >= 0x1f300;
    width += wide ? 2 : 1;
  }
  return width;
}

function estimateWidth(header: string, rows: XlsxCell[][], column: number): number {
  let widest = displayWidth(header) + 2; // room for the filter button
  for (const row of rows) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    const longestLine = String(value)
      .split(/\r\n|\r|\n/)
      .reduce((max, line) => Math.max(max, displayWidth(line)), 0);
    widest = Math.max(widest, longestLine);
  }
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, widest + 2));
}

function checkCell(value: XlsxCell, where: string): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new RangeError(`XLSX cell ${where} is not a finite number: ${value}`);
  }
  if (typeof value === 'string' && value.length > MAX_CELL_TEXT) {
    throw new RangeError(`XLSX cell ${where} has ${value.length} characters; Excel holds at most ${MAX_CELL_TEXT}`);
  }
}

/**
 * The sheets as an .xlsx workbook (see the module comment). With `fixedDate`, the workbook's created
 * and modified properties and every ZIP entry's time are that instant: the same sheets, the same bytes.
 */
export async function toXlsx(sheets: XlsxSheet[], options: { fixedDate?: Date } = {}): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Probity';
  if (options.fixedDate) {
    workbook.created = options.fixedDate;
    workbook.modified = options.fixedDate;
  }
  const names = sanitizeSheetNames(sheets.map((s) => s.name));
  sheets.forEach((sheet, s) => {
    const name = names[s] ?? `Sheet${s + 1}`;
    const columns = sheet.header.length;
    const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
    ws.columns = sheet.header.map((title, c) => ({
      width: sheet.widths?.[c] ?? estimateWidth(title, sheet.rows, c),
    }));
    const header = ws.getRow(1);
    sheet.header.forEach((title, c) => {
      checkCell(title, `${name}!R1C${c + 1}`);
      // A plain string assignment is always a string cell in ExcelJS; formulas need { formula }.
      header.getCell(c + 1).value = title;
    });
    header.font = { bold: true };
    sheet.rows.forEach((row, r) => {
      if (row.length !== columns) {
        throw new RangeError(`XLSX sheet "${name}" row ${r + 1} has ${row.length} cells; the header has ${columns}`);
      }
      const line = ws.getRow(r + 2);
      row.forEach((value, c) => {
        checkCell(value, `${name}!R${r + 2}C${c + 1}`);
        if (value !== null) line.getCell(c + 1).value = value;
      });
    });
    if (columns > 0) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns } };
  });
  const buffer = await workbook.xlsx.writeBuffer();
  const bytes = new Uint8Array(buffer as ArrayBuffer);
  return options.fixedDate ? fixZipTimes(bytes, options.fixedDate) : bytes;
}

function plain(value: ExcelJS.CellValue, where: string): XlsxCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((run) => run.text).join('');
  if (typeof value === 'object' && ('formula' in value || 'sharedFormula' in value)) {
    throw new Error(`XLSX cell ${where} holds a formula`);
  }
  throw new Error(`XLSX cell ${where} holds an unsupported value: ${JSON.stringify(value)}`);
}

/**
 * Reads a workbook back as plain values: strings, numbers and nulls. A formula cell, or any other
 * kind of value (date, boolean, error, hyperlink), is an error: our exports contain none.
 */
export async function readXlsx(data: Uint8Array): Promise<XlsxSheetData[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(data.buffer, data.byteOffset, data.byteLength) as unknown as ExcelJS.Buffer);
  return workbook.worksheets.map((ws) => {
    const rows: XlsxCell[][] = [];
    for (let r = 1; r <= ws.rowCount; r += 1) {
      const row = ws.getRow(r);
      const cells: XlsxCell[] = [];
      for (let c = 1; c <= ws.columnCount; c += 1) cells.push(plain(row.getCell(c).value, `${ws.name}!R${r}C${c}`));
      rows.push(cells);
    }
    return { name: ws.name, rows };
  });
}
