/**
 * Sets every entry's modification time in a ZIP archive (an .xlsx file is one) to the same instant, so
 * that the same contents give the same bytes: ZIP writers stamp each entry with the time of writing.
 * The times live outside the compressed data and its checksum, in each entry's local header and in
 * the central directory; both are rewritten in place.
 */
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
/** The end record is 22 bytes plus a comment of at most 65,535. */
const END_RECORD_MIN = 22;
const COMMENT_MAX = 0xffff;
/** Field offsets (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16). */
const END_ENTRIES = 10;
const END_DIRECTORY_OFFSET = 16;
const CENTRAL_TIME = 12;
const CENTRAL_DATE = 14;
const CENTRAL_NAME_LENGTH = 28;
const CENTRAL_EXTRA_LENGTH = 30;
const CENTRAL_COMMENT_LENGTH = 32;
const CENTRAL_LOCAL_OFFSET = 42;
const CENTRAL_FIXED_SIZE = 46;
const LOCAL_TIME = 10;
const LOCAL_DATE = 12;

/** MS-DOS time and date words (two-second resolution, years from 1980), from the instant's UTC fields. */
export function dosDateTime(at: Date): { time: number; date: number } {
  const year = Math.min(2107, Math.max(1980, at.getUTCFullYear()));
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

export function fixZipTimes(zip: Uint8Array, at: Date): Uint8Array {
  const out = new Uint8Array(zip);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let end = -1;
  for (let i = out.length - END_RECORD_MIN; i >= Math.max(0, out.length - END_RECORD_MIN - COMMENT_MAX); i--) {
    if (view.getUint32(i, true) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a ZIP archive: no end of central directory record');
  const entries = view.getUint16(end + END_ENTRIES, true);
  let entry = view.getUint32(end + END_DIRECTORY_OFFSET, true);
  const { time, date } = dosDateTime(at);
  for (let n = 0; n < entries; n++) {
    if (view.getUint32(entry, true) !== CENTRAL_ENTRY) throw new Error(`ZIP central directory entry ${n + 1} is damaged`);
    view.setUint16(entry + CENTRAL_TIME, time, true);
    view.setUint16(entry + CENTRAL_DATE, date, true);
    const local = view.getUint32(entry + CENTRAL_LOCAL_OFFSET, true);
    if (view.getUint32(local, true) !== LOCAL_HEADER) throw new Error(`ZIP local header of entry ${n + 1} is damaged`);
    view.setUint16(local + LOCAL_TIME, time, true);
    view.setUint16(local + LOCAL_DATE, date, true);
    entry += CENTRAL_FIXED_SIZE + view.getUint16(entry + CENTRAL_NAME_LENGTH, true) + view.getUint16(entry + CENTRAL_EXTRA_LENGTH, true) + view.getUint16(entry + CENTRAL_COMMENT_LENGTH, true);
  }
  return out;
}
