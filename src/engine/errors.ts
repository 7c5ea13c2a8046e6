import type { MessageKey } from '../i18n/index.js';

/**
 * An error the user caused (a bad argument, a missing role, a stale button). It carries a catalogue
 * key and parameters; the engine localises it and changes nothing.
 */
export class UserError extends Error {
  constructor(
    readonly code: MessageKey,
    readonly params: Record<string, string | number> = {},
    /** The form field the error is about, so a modal can show it under that field. */
    readonly field?: string,
  ) {
    super(code);
    this.name = 'UserError';
  }
}
