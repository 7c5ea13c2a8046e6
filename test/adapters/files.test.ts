/** The adapters' file helpers, pure: which files fit a platform's limit, and where the notes go. */
import { describe, expect, it } from 'vitest';
import * as helpers from '../../src/ui/files.js';
import { text, type Attachment } from '../../src/ui/card.js';

const file = (name: string, bytes: number): Attachment => ({ name, data: new Uint8Array(bytes), contentType: 'application/octet-stream' });

describe('files helpers', () => {
  it('a file of exactly the limit fits; one byte more does not', () => {
    const { fits, tooLarge } = helpers.partitionFiles([file('a', 100), file('b', 101), file('c', 0)], 100);
    expect(fits.map((f) => f.name)).toEqual(['a', 'c']);
    expect(tooLarge.map((f) => f.name)).toEqual(['b']);
    expect(helpers.partitionFiles(undefined, 100)).toEqual({ fits: [], tooLarge: [] });
  });

  it('the note names the file and its size in MB with one decimal, in the locale asked for', () => {
    expect(helpers.tooLargeNote('ko', file('export.xlsx', 12.5 * 1024 * 1024))).toBe('파일이 너무 커서 보낼 수 없습니다 (export.xlsx, 12.5MB). 명령줄의 export 명령을 사용하세요.');
    expect(helpers.tooLargeNote('en', file('export.xlsx', 12.5 * 1024 * 1024))).toBe('The file is too large to send (export.xlsx, 12.5 MB). Use the export command on the command line.');
  });

  it('notes go under the card as a context line, or after the text without a card; the files are left out', () => {
    const files = [file('a.csv', 1)];
    expect(helpers.withNotes({ text: 't', files }, [])).toEqual({ text: 't' });
    expect(helpers.withNotes({ text: 't', files }, ['n1', 'n2'])).toEqual({ text: 't\nn1\nn2' });
    expect(helpers.withNotes({ text: 't', card: { title: 'T', blocks: [text('b')] }, files }, ['n'])).toEqual({
      text: 't',
      card: { title: 'T', blocks: [text('b'), { type: 'context', text: 'n' }] },
    });
  });
});

describe('discord batches', () => {
  it('ten files to a message', () => {
    expect(helpers.batches([], 10)).toEqual([]);
    expect(helpers.batches([1, 2, 3], 2)).toEqual([[1, 2], [3]]);
  });
});
