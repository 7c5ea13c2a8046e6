/**
 * The compact form of a member's answers kept in stats_member_years: one string per member per
 * calendar year, character i standing for day-of-year i. A member answers at most once per quiz day
 * (the unique (member, quiz day) constraint), so a day holds at most one answer, and its character
 * says which topic it was about and whether it was right. Pure.
 *
 * Writing a day is idempotent — the same answer always gives the same character — which is what lets
 * the refresh fold the same raw rows twice without counting anything twice.
 */
import { daysBetween, type Day } from '../../time.js';

export const DAYS_PER_YEAR_ROW = 366;
export const NO_ANSWER = '.';
export const EMPTY_YEAR = NO_ANSWER.repeat(DAYS_PER_YEAR_ROW);

/**
 * Printable ASCII but '.', quotes and backslash: two characters per topic (wrong, right), so 45 topics
 * fit in one byte per day; codes beyond that continue above U+0100 (one UTF-16 unit each).
 */
const ALPHABET = [...Array(94)].map((_, i) => String.fromCharCode(33 + i)).filter((c) => !`.'"\\`.includes(c)).join('');
const EXTENDED_BASE = 0x100;
/** Below the surrogate range, so every character stays one UTF-16 unit. */
const MAX_SYMBOL = 0xd7ff - EXTENDED_BASE + ALPHABET.length;

/** The character for an answer on a topic (by code) that was right or wrong. */
export function answerChar(topicCode: number, correct: boolean): string {
  const symbol = topicCode * 2 + (correct ? 1 : 0);
  if (topicCode < 0 || symbol > MAX_SYMBOL) throw new RangeError(`topic code out of range: ${topicCode}`);
  return symbol < ALPHABET.length ? ALPHABET[symbol]! : String.fromCharCode(EXTENDED_BASE + symbol - ALPHABET.length);
}

/**
 * A lookup from char code to (symbol + 1), 0 for "no answer": `symbol >> 1` is the topic code and
 * `symbol & 1` whether the answer was right. Sized for `topicCount` topics.
 */
export function decodeTable(topicCount: number): Int32Array {
  const size = topicCount * 2 <= ALPHABET.length ? 128 : EXTENDED_BASE + topicCount * 2 - ALPHABET.length;
  const table = new Int32Array(size);
  for (let symbol = 0; symbol < topicCount * 2; symbol++) table[answerChar(symbol >> 1, (symbol & 1) === 1).charCodeAt(0)] = symbol + 1;
  return table;
}

/** The index of a day in its year's string. */
export function dayOfYear(day: Day): number {
  return daysBetween(`${day.slice(0, 4)}-01-01`, day);
}

/** Sets days in a year string: each change is [day-of-year, character]. */
export function withAnswers(days: string, changes: readonly (readonly [number, string])[]): string {
  const chars = days.length === DAYS_PER_YEAR_ROW ? days.split('') : EMPTY_YEAR.split('');
  for (const [index, char] of changes) chars[index] = char;
  return chars.join('');
}
