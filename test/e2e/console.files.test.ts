/**
 * Files in the console: a reply (or a scheduled delivery) that carries files writes each one into the
 * export directory, never over an existing file, and prints where it went.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../adapters/console/console.js';
import { CSV_BYTES, filesEngine, filesMessage, PNG_BYTES } from '../adapters/files.fixture.js';
import { createHarness, type Harness } from '../support/harness.js';

let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(locale: 'ko' | 'en' = 'ko') {
  h = await createHarness();
  // A directory that does not exist yet: the adapter creates it.
  const exportDir = join(mkdtempSync(join(tmpdir(), 'probity-exports-')), 'nested', 'exports');
  const output = new PassThrough();
  let printed = '';
  output.setEncoding('utf8').on('data', (d: string) => (printed += d));
  const adapter = new ConsoleAdapter(filesEngine(h.services), { input: new PassThrough(), output, locale, interactive: false, exportDir });
  return { adapter, exportDir, printed: () => printed };
}

const savedPaths = (out: string, prefix: string) => [...out.matchAll(new RegExp(`${prefix}(.+)`, 'g'))].map((m) => m[1]!);

describe('console adapter: files', () => {
  it('writes each file into the export directory with its exact bytes and prints one localised line per file', async () => {
    const { adapter, exportDir, printed } = await start();
    await adapter.handleLine('/integrity files');
    const out = printed();
    expect(out).toContain('■ 참여 통계');
    const paths = savedPaths(out, '📎 파일을 저장했습니다: ');
    expect(paths).toEqual([join(exportDir, 'participation.png'), join(exportDir, 'participation.csv')]);
    expect(readFileSync(paths[0]!)).toEqual(Buffer.from(PNG_BYTES));
    expect(readFileSync(paths[1]!)).toEqual(Buffer.from(CSV_BYTES));
  });

  it('never overwrites: a second export, and a file someone left there, get numbered names', async () => {
    const { adapter, exportDir, printed } = await start('en');
    await adapter.handleLine('/integrity files');
    writeFileSync(join(exportDir, 'participation-1.csv'), 'mine');
    await adapter.handleLine('/integrity files');
    const paths = savedPaths(printed(), '📎 File saved: ');
    expect(paths.map((p) => p.slice(exportDir.length + 1))).toEqual(['participation.png', 'participation.csv', 'participation-1.png', 'participation-2.csv']);
    expect(readFileSync(join(exportDir, 'participation-1.csv'), 'utf8')).toBe('mine');
    expect(readFileSync(join(exportDir, 'participation-2.csv'))).toEqual(Buffer.from(CSV_BYTES));
    expect(readdirSync(exportDir).sort()).toEqual(['participation-1.csv', 'participation-1.png', 'participation-2.csv', 'participation.csv', 'participation.png']);
  });

  it('a scheduled delivery with files saves them too; a name cannot leave the export directory', async () => {
    const { adapter, exportDir, printed } = await start();
    const message = filesMessage([]);
    message.files = [{ name: '../../escape.csv', data: CSV_BYTES, contentType: 'text/csv' }, { name: '.hidden', data: PNG_BYTES, contentType: 'image/png' }];
    await adapter.send({ kind: 'user', workspace: 'local', userId: 'local' }, message);
    const out = printed();
    expect(out).toContain('📨 Console 님에게 도착한 메시지');
    expect(savedPaths(out, '📎 파일을 저장했습니다: ')).toEqual([join(exportDir, 'escape.csv'), join(exportDir, 'hidden')]);
    expect(readdirSync(exportDir).sort()).toEqual(['escape.csv', 'hidden']);
  });

  it('a message without files prints no file line and creates no directory', async () => {
    const { adapter, exportDir, printed } = await start();
    await adapter.send({ kind: 'channel', channelId: 'general' }, { text: '안내' });
    expect(printed()).not.toContain('📎');
    expect(() => readdirSync(exportDir)).toThrow();
  });
});

describe('console: the export message and the file it saved', () => {
  it('GIVEN an export run twice WHEN the second file is numbered to avoid overwriting THEN no line names a file other than the one saved', async () => {
    h = await createHarness();
    const exportDir = mkdtempSync(join(tmpdir(), 'probity-exports-'));
    const output = new PassThrough();
    let printed = '';
    output.setEncoding('utf8').on('data', (d: string) => (printed += d));
    const adapter = new ConsoleAdapter(h.engine, { input: new PassThrough(), output, locale: 'ko', interactive: false, exportDir, as: '3001' });
    await adapter.handleLine('/integrity export participation 2026-11');
    await adapter.handleLine('/integrity export participation 2026-11');
    const saved = savedPaths(printed, '📎 파일을 저장했습니다: ').map((p) => p.slice(exportDir.length + 1));
    expect(saved).toEqual(['probity-participation-2026-11.csv', 'probity-participation-2026-11-1.csv']);
    expect(readdirSync(exportDir).sort()).toEqual([...saved].sort());
    // The only file names printed are those of the files saved.
    const named = [...printed.matchAll(/[\w.-]+\.csv/g)].map((m) => m[0]);
    expect(named).toEqual(saved);
    expect(printed).toContain('📎 내보내기: 부서별 참여 (2026-11-01 ~ 2026-11-27)');
  });
});

describe('console: its own words follow the member it acts as', () => {
  it('GIVEN an English-speaking roster member WHEN /as switches to them and back THEN the console speaks English, then Korean', async () => {
    h = await createHarness();
    const output = new PassThrough();
    let printed = '';
    output.setEncoding('utf8').on('data', (d: string) => (printed += d));
    const adapter = new ConsoleAdapter(h.engine, { input: new PassThrough(), output, locale: 'ko', interactive: false });
    const after = async (line: string) => {
      const from = printed.length;
      await adapter.handleLine(line);
      return printed.slice(from);
    };
    await after('/as 1002');
    expect(await after('hello')).toContain('Commands start with /integrity.');
    await after('/as 1001');
    expect(await after('hello')).toContain('명령은 /integrity 로 시작합니다.');
    // A member who changes language is followed too.
    await after('/integrity lang en');
    expect(await after('hello')).toContain('Commands start with /integrity.');
  });
});
