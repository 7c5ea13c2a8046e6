import type { Message } from '../ui/card.js';
import type { Form } from '../ui/form.js';

/**
 * What a handler asks the adapter to do. Handlers never see acks, tokens or SDK objects.
 * - ephemeral: visible to the actor only (a DM where the platform has no ephemeral messages)
 * - replace: update the message the action came from
 * - post: a message in the conversation, visible to all in it
 * - form: ask for several fields at once (a modal; field-by-field prompts in the console); `fallback`
 *   is shown where a form cannot be opened any more (e.g. Discord after a slow answer)
 */
export type Reply =
  | { kind: 'none' }
  | { kind: 'ephemeral'; message: Message; error?: { code: string; field?: string } }
  | { kind: 'replace'; message: Message }
  | { kind: 'post'; message: Message }
  | { kind: 'form'; form: Form; fallback: Message };

export const none = (): Reply => ({ kind: 'none' });
export const ephemeral = (message: Message): Reply => ({ kind: 'ephemeral', message });
export const replace = (message: Message): Reply => ({ kind: 'replace', message });
export const post = (message: Message): Reply => ({ kind: 'post', message });
export const form = (value: Form, fallback: Message): Reply => ({ kind: 'form', form: value, fallback });
/** An ephemeral reply that reports a user-facing error by its catalogue code. */
export const failure = (message: Message, code: string, field?: string): Reply => ({ kind: 'ephemeral', message, error: { code, ...(field ? { field } : {}) } });
