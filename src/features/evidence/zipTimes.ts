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
  for (let i = out.length - END_RECORD_MIN; i >= Math.max(0, out.length - END_RECORD_MIN - 0xffff); i--) {
    if (view.getUint32(i, true) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a ZIP archive: no end of central directory record');
  const entries = view.getUint16(end + 10, true);
  let at_ = view.getUint32(end + 16, true);
  const { time, date } = dosDateTime(at);
  for (let n = 0; n < entries; n++) {
    if (view.getUint32(at_, true) !== CENTRAL_ENTRY) throw new Error(`ZIP central directory entry ${n + 1} is damaged`);
    view.setUint16(at_ + 12, time, true);
    view.setUint16(at_ + 14, date, true);
    const local = view.getUint32(at_ + 42, true);
    if (view.getUint32(local, true) !== LOCAL_HEADER) throw new Error(`ZIP local header of entry ${n + 1} is damaged`);
    view.setUint16(local + 10, time, true);
    view.setUint16(local + 12, date, true);
    at_ += 46 + view.getUint16(at_ + 28, true) + view.getUint16(at_ + 30, true) + view.getUint16(at_ + 32, true);
  }
  return out;
}
