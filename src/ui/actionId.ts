/**
 * The action-id codec: one string carries the action's name and its arguments, because Discord has
 * only a custom_id (≤ 100 characters) where Slack has action_id + value. Arguments are
 * percent-encoded so that the separator can never appear inside one.
 */
export const ACTION_ID_MAX = 100;
const SEPARATOR = '|';
const NAME_PATTERN = /^[a-z][a-z0-9_.]*$/;

export interface DecodedAction {
  name: string;
  args: string[];
}

export class ActionIdTooLongError extends Error {
  constructor(readonly actionId: string) {
    super(`action id is ${actionId.length} characters; the limit is ${ACTION_ID_MAX}`);
  }
}

export function encodeAction(name: string, args: readonly (string | number)[] = []): string {
  if (!NAME_PATTERN.test(name)) throw new Error(`invalid action name: ${name}`);
  const encoded = [name, ...args.map((a) => encodeURIComponent(String(a)))].join(SEPARATOR);
  if (encoded.length > ACTION_ID_MAX) throw new ActionIdTooLongError(encoded);
  return encoded;
}

/** Returns null for anything this codec did not produce (a forged or foreign id). */
export function decodeAction(actionId: string): DecodedAction | null {
  if (actionId.length === 0 || actionId.length > ACTION_ID_MAX) return null;
  const [name, ...rawArgs] = actionId.split(SEPARATOR);
  if (name === undefined || !NAME_PATTERN.test(name)) return null;
  try {
    return { name, args: rawArgs.map((a) => decodeURIComponent(a)) };
  } catch {
    return null;
  }
}
