import { describe, expect, it } from 'vitest';
import { ACTION_ID_MAX, ActionIdTooLongError, decodeAction, encodeAction } from '../../src/ui/actionId.js';

describe('action id codec: round trip', () => {
  it('GIVEN a name without arguments WHEN encoded and decoded THEN the name comes back with no arguments', () => {
    const id = encodeAction('quiz.answer');
    expect(id).toBe('quiz.answer');
    expect(decodeAction(id)).toEqual({ name: 'quiz.answer', args: [] });
  });

  it('GIVEN numeric arguments THEN they come back as their decimal strings', () => {
    expect(decodeAction(encodeAction('quiz.answer', [42, '2026-11-27', 0]))).toEqual({
      name: 'quiz.answer',
      args: ['42', '2026-11-27', '0'],
    });
  });

  it.each([
    ['a pipe', 'a|b'],
    ['several pipes', '||'],
    ['a percent sign', '100%'],
    ['something that looks percent-encoded', '%7C'],
    ['spaces', ' two  words '],
    ['Korean text', '행정국/감사과'],
    ['an empty string', ''],
    ['emoji', '🔥'],
  ])('GIVEN an argument with %s THEN it survives the round trip unchanged', (_what, arg) => {
    const decoded = decodeAction(encodeAction('people.pick', [arg, 'tail']));
    expect(decoded).toEqual({ name: 'people.pick', args: [arg, 'tail'] });
  });

  it('GIVEN an argument containing the separator THEN the encoded id has exactly one separator per argument', () => {
    const id = encodeAction('x', ['a|b', 'c']);
    expect(id.split('|')).toHaveLength(3);
  });

  it('GIVEN an invalid action name WHEN encoding THEN it throws', () => {
    expect(() => encodeAction('Quiz')).toThrow(/invalid action name/);
    expect(() => encodeAction('1x')).toThrow(/invalid action name/);
    expect(() => encodeAction('')).toThrow(/invalid action name/);
  });
});

describe('action id codec: length limit', () => {
  it(`GIVEN an id of exactly ${ACTION_ID_MAX} characters THEN it is accepted and decodes`, () => {
    const arg = 'a'.repeat(ACTION_ID_MAX - 'x|'.length);
    const id = encodeAction('x', [arg]);
    expect(id).toHaveLength(ACTION_ID_MAX);
    expect(decodeAction(id)).toEqual({ name: 'x', args: [arg] });
  });

  it(`GIVEN an id one character over ${ACTION_ID_MAX} THEN encoding throws ActionIdTooLongError carrying the id`, () => {
    const arg = 'a'.repeat(ACTION_ID_MAX - 'x|'.length + 1);
    let thrown: unknown;
    try {
      encodeAction('x', [arg]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ActionIdTooLongError);
    expect((thrown as ActionIdTooLongError).actionId).toBe(`x|${arg}`);
    expect((thrown as ActionIdTooLongError).message).toContain(String(ACTION_ID_MAX));
  });

  it('GIVEN Korean arguments THEN the limit applies to the percent-encoded length (9 characters per syllable)', () => {
    // 10 syllables → 90 characters encoded; with "x|" that is 92: fits.
    expect(() => encodeAction('x', ['가'.repeat(10)])).not.toThrow();
    // 11 syllables → 99 + 2 = 101: too long, although only 13 characters were given.
    expect(() => encodeAction('x', ['가'.repeat(11)])).toThrow(ActionIdTooLongError);
  });
});

describe('action id codec: decoding what it did not produce', () => {
  it.each([
    ['the empty string', ''],
    ['an upper-case name', 'Quiz'],
    ['a name starting with a digit', '1x'],
    ['garbage', '%%%'],
    ['an empty name before arguments', '|1|2'],
    ['a name with a space', 'quiz answer|1'],
  ])('GIVEN %s THEN decodeAction returns null', (_what, id) => {
    expect(decodeAction(id)).toBeNull();
  });

  it(`GIVEN an id longer than ${ACTION_ID_MAX} characters THEN decodeAction returns null even if well formed`, () => {
    expect(decodeAction(`x|${'a'.repeat(ACTION_ID_MAX)}`)).toBeNull();
  });

  it.each([
    ['a lone percent sign', 'quiz.answer|1|%'],
    ['a truncated escape', 'quiz.answer|%E0%A4%A'],
    ['a non-hex escape', 'quiz.answer|%ZZ'],
    ['an invalid UTF-8 sequence', 'quiz.answer|%C0'],
  ])('GIVEN malformed percent-encoding (%s) THEN decodeAction returns null', (_what, id) => {
    expect(decodeAction(id)).toBeNull();
  });
});
