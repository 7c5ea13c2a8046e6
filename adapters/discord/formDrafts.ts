/**
 * Discord cannot answer a modal's submission with another modal, so a mistake in a form cannot keep
 * it open as Slack does. The closest: the error comes back with an "Edit again" button that reopens
 * the modal (a button may answer with one) filled with what was typed. The typed values are kept in
 * memory only, for a short while, for the member who typed them: never in the database or the logs;
 * after a restart or the time limit the button says the draft is gone.
 */
import { randomBytes } from 'node:crypto';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponentWithCustomId } from 'discord-api-types/v10';
import type { Form } from '../../src/ui/form.js';

/** Adapter-level button ids; never reach the core's action codec. */
export const REOPEN_PREFIX = 'form.reopen|';
/** How long a rejected submission can be reopened. */
const DRAFT_TTL_MS = 30 * 60_000;
/** Forms and drafts kept at most; the oldest go first. */
const KEPT_MAX = 1_000;
const TOKEN_BYTES = 12;

interface Kept {
  userId: string;
  form: Form;
  at: number;
}

export class FormDrafts {
  /** Forms shown, by member and form id: what a rejected submission is filled back into. */
  private readonly shown = new Map<string, Kept>();
  private readonly drafts = new Map<string, Kept>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A modal was opened for the member. */
  opened(userId: string, form: Form): void {
    this.put(this.shown, `${userId}\n${form.id}`, { userId, form, at: this.now() });
  }

  /** Keeps a rejected submission; the token for the reopen button, or undefined for a form never shown. */
  rejected(userId: string, formId: string, values: Readonly<Record<string, string>>): string | undefined {
    const shown = this.fresh(this.shown, `${userId}\n${formId}`);
    if (!shown) return undefined;
    const form: Form = { ...shown.form, fields: shown.form.fields.map((f) => (values[f.id] !== undefined ? { ...f, initial: values[f.id] } : f)) };
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    this.put(this.drafts, token, { userId, form, at: this.now() });
    return token;
  }

  /** The form to reopen, filled in; only for the member who typed it. */
  reopen(userId: string, customId: string): Form | undefined {
    const kept = this.fresh(this.drafts, customId.slice(REOPEN_PREFIX.length));
    return kept && kept.userId === userId ? kept.form : undefined;
  }

  private fresh(map: Map<string, Kept>, key: string): Kept | undefined {
    const kept = map.get(key);
    if (kept && this.now() - kept.at > DRAFT_TTL_MS) {
      map.delete(key);
      return undefined;
    }
    return kept;
  }

  private put(map: Map<string, Kept>, key: string, value: Kept): void {
    map.delete(key);
    map.set(key, value);
    while (map.size > KEPT_MAX) map.delete(map.keys().next().value!);
  }
}

/** The row with the reopen button, added under the error message. */
export function reopenRow(token: string, label: string): APIActionRowComponent<APIButtonComponentWithCustomId> {
  return { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, custom_id: `${REOPEN_PREFIX}${token}`, label, style: ButtonStyle.Primary }] };
}
