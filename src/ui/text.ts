/** The mark left where text was cut: one UTF-16 unit, so it costs what it shows. */
export const CUT_MARK = '…';

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/**
 * The index at most `end` where text may be cut without splitting a surrogate pair (an emoji or any
 * character beyond the Basic Multilingual Plane is two UTF-16 units).
 */
export function safeCut(value: string, end: number): number {
  if (end <= 0) return 0;
  if (end >= value.length) return value.length;
  return isHighSurrogate(value.charCodeAt(end - 1)) ? end - 1 : end;
}

/**
 * Cuts text to `max` UTF-16 code units, marking the cut. Slack and Discord both count lengths in
 * UTF-16 units (a Korean syllable is one, most emoji two), so this is the count their limits mean.
 */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  if (max <= 0) return '';
  return `${value.slice(0, safeCut(value, max - CUT_MARK.length))}${CUT_MARK}`;
}

/**
 * Splits long text into pieces of at most `max` UTF-16 units, at a line break where one falls in the
 * second half of the window, never inside a surrogate pair. `unsafeTail` (when given) finds a piece's
 * ending that must not be separated from what follows (an escaped entity cut in half).
 */
export function splitText(value: string, max: number, unsafeTail?: RegExp): string[] {
  const pieces: string[] = [];
  let rest = value;
  while (rest.length > max) {
    const window = rest.slice(0, safeCut(rest, max));
    const lineBreak = window.lastIndexOf('\n');
    let cut = lineBreak > max / 2 ? lineBreak : window.length;
    const tail = unsafeTail && lineBreak !== cut ? unsafeTail.exec(rest.slice(0, cut)) : null;
    if (tail && tail.index > 0) cut = tail.index;
    // A window too narrow for even one character (an emoji in one unit) still moves on by that character.
    if (cut === 0) cut = rest.codePointAt(0)! > 0xffff ? 2 : 1;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest !== '' || pieces.length === 0) pieces.push(rest);
  return pieces;
}

/** A share as people read it: "33.3%", or "–" when there is nothing to divide. */
export function percentText(share: number | null): string {
  return share === null ? '–' : `${Math.round(share * 1000) / 10}%`;
}

/** Text for one cell of a Markdown table: a pipe would end the cell, a line break the row. */
export function markdownCell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
