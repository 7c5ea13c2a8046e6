/** Fixing the entry times of a ZIP archive (every .xlsx is one) so the same contents give the same bytes. */
import { describe, expect, it } from 'vitest';
import { dosDateTime, fixZipTimes } from '../../src/features/evidence/zipTimes.js';
import { readXlsx, toXlsx } from '../../src/features/stats/xlsx.js';

/** Every entry's time and date words, from the local headers and the central directory. */
function entryTimes(zip: Uint8Array): { local: number[][]; central: number[][] } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.length - 22;
  while (view.getUint32(end, true) !== 0x06054b50) end--;
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const local: number[][] = [];
  const central: number[][] = [];
  for (let i = 0; i < count; i++) {
    central.push([view.getUint16(at + 12, true), view.getUint16(at + 14, true)]);
    const header = view.getUint32(at + 42, true);
    local.push([view.getUint16(header + 10, true), view.getUint16(header + 12, true)]);
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return { local, central };
}

describe('dosDateTime', () => {
  it('GIVEN an instant THEN its UTC fields in MS-DOS words, two-second resolution; years outside 1980–2107 are clamped', () => {
    expect(dosDateTime(new Date('2026-12-31T13:45:59Z'))).toEqual({ time: (13 << 11) | (45 << 5) | 29, date: (46 << 9) | (12 << 5) | 31 });
    expect(dosDateTime(new Date('1970-01-01T00:00:00Z')).date >> 9).toBe(0);
    expect(dosDateTime(new Date('2200-01-01T00:00:00Z')).date >> 9).toBe(127);
  });
});

describe('fixZipTimes', () => {
  const sheets = [{ name: '요약', header: ['항목', '값'], rows: [['인원', 14]] }];

  it('GIVEN a workbook WHEN its times are fixed THEN every entry, in both places, carries the instant and the contents still read', async () => {
    const zip = await toXlsx(sheets);
    const at = new Date('2026-12-31T00:00:00Z');
    const fixed = fixZipTimes(zip, at);
    const { time, date } = dosDateTime(at);
    const times = entryTimes(fixed);
    expect(times.central.length).toBeGreaterThan(3);
    expect(new Set([...times.central, ...times.local].map(([t, d]) => `${t}/${d}`))).toEqual(new Set([`${time}/${date}`]));
    expect(fixed).toHaveLength(zip.length);
    expect((await readXlsx(fixed))[0]!.rows).toEqual([['항목', '값'], ['인원', 14]]);
    // The input is left as it was.
    expect(entryTimes(zip).central).not.toEqual(times.central);
    expect(Buffer.compare(Buffer.from(fixZipTimes(zip, at)), Buffer.from(fixed))).toBe(0);
  });

  it('GIVEN bytes that are not a ZIP, or a damaged directory THEN it throws instead of writing garbage', async () => {
    expect(() => fixZipTimes(new TextEncoder().encode('not a zip at all, just some text'), new Date())).toThrow(/not a ZIP archive/);
    const zip = await toXlsx(sheets);
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    let end = zip.length - 22;
    while (view.getUint32(end, true) !== 0x06054b50) end--;
    const damaged = new Uint8Array(zip);
    new DataView(damaged.buffer).setUint32(view.getUint32(end + 16, true), 0, true);
    expect(() => fixZipTimes(damaged, new Date())).toThrow(/central directory entry 1 is damaged/);
  });
});
