import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../../src/features/stats/csv.js';

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The CSV text after the byte order mark (which the test checks separately). */
function body(bytes: Uint8Array): string {
  return decoder.decode(bytes.subarray(3));
}

describe('toCsv', () => {
  it('starts with the UTF-8 byte order mark and encodes Korean as UTF-8', () => {
    const bytes = toCsv(['부서', '참여율'], [['인사팀', 87.5]]);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(body(bytes)).toBe('부서,참여율\r\n인사팀,87.5\r\n');
    // 부 is EB B6 80 in UTF-8: the text is not in a legacy code page.
    expect([...bytes.subarray(3, 6)]).toEqual([0xeb, 0xb6, 0x80]);
  });

  it('ends every record, the last one too, with CRLF and has no bare LF between records', () => {
    const text = body(toCsv(['a', 'b'], [[1, 2], [3, 4]]));
    expect(text).toBe('a,b\r\n1,2\r\n3,4\r\n');
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  });

  it('quotes fields holding quotes, commas or line breaks (RFC 4180) and doubles the quotes', () => {
    expect(csvField('he said "hi"')).toBe('"he said ""hi"""');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvField('line 1\r\nline 2')).toBe('"line 1\r\nline 2"');
    expect(csvField('plain text')).toBe('plain text');
    expect(body(toCsv(['x'], [['a,"b"']]))).toBe('x\r\n"a,""b"""\r\n');
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+82-10-1234-5678', "'+82-10-1234-5678"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=cmd', "'\t=cmd"],
  ])('neutralises the formula-looking string %j with a leading apostrophe', (input, expected) => {
    expect(csvField(input)).toBe(expected);
    expect(body(toCsv(['h'], [[input]]))).toBe(`h\r\n${expected}\r\n`);
  });

  it('neutralises a leading carriage return, then quotes the field for its line break', () => {
    expect(csvField('\r=1+1')).toBe(`"'\r=1+1"`);
  });

  it('neutralises first and quotes second when a formula also holds quotes and commas', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
  });

  it('neutralises header cells too', () => {
    expect(body(toCsv(['=evil', 'ok'], []))).toBe("'=evil,ok\r\n");
  });

  it('leaves strings alone when the risky character is not the first', () => {
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('3-1')).toBe('3-1');
    expect(csvField('user@example.com')).toBe('user@example.com');
  });

  it('writes numbers as numbers: a negative number is not escaped, null is an empty cell', () => {
    expect(body(toCsv(['a', 'b', 'c', 'd', 'e'], [[-5, 0, 3.25, null, -0.5]]))).toBe('a,b,c,d,e\r\n-5,0,3.25,,-0.5\r\n');
  });

  it('rejects non-finite numbers and rows of the wrong width', () => {
    expect(() => toCsv(['a'], [[Number.NaN]])).toThrow(RangeError);
    expect(() => toCsv(['a'], [[Number.POSITIVE_INFINITY]])).toThrow(RangeError);
    expect(() => toCsv(['a', 'b'], [[1]])).toThrow(/row 1 has 1 cells/);
  });
});
