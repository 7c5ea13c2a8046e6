/**
 * CSV exports that open cleanly in Excel, Korean text included, and cannot run as formulas.
 *
 * - UTF-8 with a byte order mark (EF BB BF): without it Excel reads the file as the local ANSI
 *   code page and Korean turns to mojibake.
 * - CRLF between records and after the last one; RFC 4180 quoting: a field holding a double
 *   quote, comma, CR or LF is wrapped in double quotes, and its quotes are doubled.
 * - Formula injection (CWE-1236): a string cell starting with =, +, -, @, a tab or a carriage
 *   return gets a leading apostrophe, so spreadsheets show it as text instead of evaluating it.
 *   Numbers are written as numbers (a negative number stays a number); `null` is an empty cell.
 */

export type CsvCell = string | number | null;

const BOM = [0xef, 0xbb, 0xbf];
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** A string cell as it is written: neutralised if it could start a formula, then quoted if needed. */
export function csvField(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`CSV cell is not a finite number: ${value}`);
    return String(value);
  }
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The header and rows as CSV bytes (see the module comment); every row must be as wide as the header. */
export function toCsv(header: string[], rows: CsvCell[][]): Uint8Array {
  const lines = [header.map(csvField).join(',')];
  rows.forEach((row, i) => {
    if (row.length !== header.length) {
      throw new RangeError(`CSV row ${i + 1} has ${row.length} cells; the header has ${header.length}`);
    }
    lines.push(row.map(csvField).join(','));
  });
  const body = new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
  const out = new Uint8Array(BOM.length + body.length);
  out.set(BOM, 0);
  out.set(body, BOM.length);
  return out;
}
