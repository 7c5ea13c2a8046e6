/**
 * RFC 4180 CSV reading: quoted fields may hold commas, quotes ("") and line breaks; CRLF or LF; a
 * UTF-8 byte-order mark (as Excel writes it) is dropped. Returns records of raw strings.
 */
export class CsvSyntaxError extends Error {
  constructor(readonly record: number) {
    super(`unterminated quoted field in record ${record}`);
  }
}

/**
 * Reads CSV text given in pieces of any size (a file read as a stream), so that a large file never has
 * to be held whole: `push` returns the records each piece completed, `end` the last one. A piece may
 * end anywhere, inside a quoted field, between a quote and its double, or between CR and LF.
 */
/** The characters that end a run of plain field text. */
const SPECIAL = /[,\r\n"]/g;

export class CsvReader {
  private record: string[] = [];
  private field = '';
  private quoted = false;
  /** Inside a quoted field, a quote was read: the next character says whether it was a doubled one. */
  private quoteSeen = false;
  /** A CR ended the record: an LF right after it belongs to it. */
  private afterCr = false;
  private started = false;
  /** Records completed so far, blank ones included (they keep the line numbers). */
  private count = 0;

  push(piece: string): string[][] {
    let text = piece;
    if (!this.started && text.length > 0) {
      this.started = true;
      text = text.replace(/^\uFEFF/, '');
    }
    const done: string[][] = [];
    // Locals in the loop, and whole runs of plain characters sliced at once: a large file is read in
    // a fraction of the time a character-by-character copy through the object's fields takes.
    let { record, field, quoted, quoteSeen, afterCr } = this;
    const endRecord = () => {
      record.push(field);
      field = '';
      this.count++;
      // A blank line stays as an empty record so that later records keep their line numbers.
      done.push(record.length === 1 && record[0] === '' ? [] : record);
      record = [];
    };
    let i = 0;
    while (i < text.length) {
      if (afterCr) {
        afterCr = false;
        if (text[i] === '\n') {
          i++;
          continue;
        }
      }
      if (quoteSeen) {
        quoteSeen = false;
        if (text[i] === '"') {
          field += '"';
          i++;
          continue;
        }
        quoted = false;
      } else if (quoted) {
        const quote = text.indexOf('"', i);
        if (quote < 0) {
          field += text.slice(i);
          break;
        }
        field += text.slice(i, quote);
        quoteSeen = true;
        i = quote + 1;
        continue;
      }
      SPECIAL.lastIndex = i;
      const next = SPECIAL.exec(text)?.index ?? text.length;
      if (next > i) {
        field += text.slice(i, next);
        i = next;
        if (i === text.length) break;
      }
      const ch = text[i];
      if (ch === '"') {
        if (field === '') quoted = true;
        else field += ch;
      } else if (ch === ',') {
        record.push(field);
        field = '';
      } else {
        endRecord();
        afterCr = ch === '\r';
      }
      i++;
    }
    this.record = record;
    this.field = field;
    this.quoted = quoted;
    this.quoteSeen = quoteSeen;
    this.afterCr = afterCr;
    return done;
  }

  /** The last record, if the text did not end with a line break; throws on an unterminated quote. */
  end(): string[][] {
    if (this.quoteSeen) {
      this.quoteSeen = false;
      this.quoted = false;
    }
    if (this.quoted) throw new CsvSyntaxError(this.count + 1);
    return this.field !== '' || this.record.length > 0 ? [this.endRecord()] : [];
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
  }

  private endRecord(): string[] {
    this.endField();
    const record = this.record;
    this.record = [];
    this.count++;
    // A blank line stays as an empty record so that later records keep their line numbers.
    return record.length === 1 && record[0] === '' ? [] : record;
  }
}

export function parseCsv(input: string): string[][] {
  const reader = new CsvReader();
  const records = [...reader.push(input), ...reader.end()];
  // Blank lines at the end of the file (its last newline included) are not records.
  while (records.length > 0 && records[records.length - 1]!.length === 0) records.pop();
  return records;
}
