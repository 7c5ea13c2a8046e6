/**
 * RFC 4180 CSV reading: quoted fields may hold commas, quotes ("") and line breaks; CRLF or LF; a
 * UTF-8 byte-order mark (as Excel writes it) is dropped. Returns records of raw strings.
 */
export class CsvSyntaxError extends Error {
  constructor(readonly record: number) {
    super(`unterminated quoted field in record ${record}`);
  }
}

export function parseCsv(input: string): string[][] {
  const text = input.replace(/^\uFEFF/, '');
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    // A blank line stays as an empty record so that later records keep their line numbers.
    records.push(record.length === 1 && record[0] === '' ? [] : record);
    record = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n') endRecord();
    else if (ch === '\r') {
      if (text[i + 1] === '\n') i++;
      endRecord();
    } else field += ch;
    i++;
  }
  if (quoted) throw new CsvSyntaxError(records.length + 1);
  if (field !== '' || record.length > 0) endRecord();
  // Blank lines at the end of the file (its last newline included) are not records.
  while (records.length > 0 && records[records.length - 1]!.length === 0) records.pop();
  return records;
}
