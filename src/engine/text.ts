/**
 * Checks on text people type that others will read. Bidirectional embedding, override and isolate
 * controls (U+202A–U+202E, U+2066–U+2069) reorder what is displayed, so "감사과" can be made to show
 * as something else ("Trojan Source"); names, titles and bodies refuse them.
 */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;

export function hasBidiControl(text: string): boolean {
  return BIDI_CONTROL.test(text);
}
