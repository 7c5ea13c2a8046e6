/**
 * The terminal adapter: the default backend when no chat platform is configured, and the test backend.
 * Reads lines (typed or piped), turns them into core events, prints replies. Same commands as chat;
 * typing a number presses that button of the last card that had buttons.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Engine } from '../../src/engine/engine.js';
import { parseCommandText, type Actor, type InboundEvent } from '../../src/engine/events.js';
import type { Reply } from '../../src/engine/reply.js';
import { CONSOLE_LOCAL_USER } from '../../src/features/people/people.js';
import { t, type Locale } from '../../src/i18n/index.js';
import type { ChatPort, Recipient, SentRef } from '../../src/delivery/port.js';
import { DEFAULT_EXPORT_DIR, saveAttachment } from '../../src/exports.js';
import type { Button, Message } from '../../src/ui/card.js';
import type { Form } from '../../src/ui/form.js';
import { renderMessage } from './render.js';

export const CONSOLE_WORKSPACE = 'local';
const COMMAND_PREFIX = '/integrity';

export interface ConsoleOptions {
  input: Readable;
  output: Writable;
  /** Employee number to act as (--as); the local administrator when absent. */
  as?: string;
  locale: Locale;
  /** Show a prompt and no echo (a person typing) rather than echo each line (a piped script). */
  interactive: boolean;
  /** Where files that come with a message are saved (created when missing); `./exports/` by default. */
  exportDir?: string;
}

/** How many numbered names (report-1.csv, report-2.csv, …) are tried before giving up. */

export class ConsoleAdapter implements ChatPort {
  readonly platform = 'console' as const;
  readonly capabilities = { directMessages: true };
  private actor: Actor;
  /** The console's own words follow the language of whoever it acts as (after /as, after lang). */
  private locale: Locale;
  private buttons: Button[] = [];
  private sent = 0;
  /** A form being filled in, one field per prompt (a multi-line field until a line with a single "."). */
  private filling: { form: Form; index: number; values: Record<string, string>; lines: string[] } | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly options: ConsoleOptions,
  ) {
    this.actor = consoleActor(options.as ?? CONSOLE_LOCAL_USER);
    this.locale = options.locale;
  }

  private write(text: string): void {
    this.options.output.write(`${text}\n`);
  }

  private event(
    partial: { type: 'command'; name: string; args: string[] } | { type: 'action'; actionId: string } | { type: 'submit'; formId: string; fields: Record<string, string>; check?: string },
  ): InboundEvent {
    return { ...partial, platform: 'console', actor: this.actor, conversation: { id: 'console', kind: 'dm' } };
  }

  private async show(reply: Reply): Promise<void> {
    if (reply.kind === 'none') return;
    if (reply.kind === 'form') return this.startForm(reply.form);
    const { message } = reply;
    const rendered = renderMessage(message);
    // A card with live buttons becomes what numbers press; an answer card (buttons disabled) leaves the
    // earlier card's numbers in place, as the original message stays on a chat client's screen.
    if (rendered.buttons.length > 0) this.buttons = rendered.buttons;
    this.write(rendered.text);
    for (const file of message.files ?? []) {
      this.write(t(this.locale, 'console.file_saved', { path: await saveAttachment(this.options.exportDir ?? DEFAULT_EXPORT_DIR, file) }));
    }
    this.write('');
  }

  /** Scheduled deliveries: everyone with a console identity reads this one terminal. */
  async send(recipient: Recipient, message: Message): Promise<SentRef> {
    const name = recipient.kind === 'channel' ? `#${recipient.channelId}` : recipient.userId === CONSOLE_LOCAL_USER ? 'Console' : recipient.userId;
    this.write(t(this.locale, 'console.delivery', { name }));
    await this.show({ kind: 'post', message });
    this.sent += 1;
    return { conversationId: recipient.kind === 'channel' ? recipient.channelId : recipient.userId, messageId: String(this.sent) };
  }

  private startForm(form: Form): void {
    this.filling = { form, index: 0, values: {}, lines: [] };
    this.write(`■ ${form.title}`);
    this.write(`  ${t(this.locale, 'console.form.intro')}`);
    this.promptField();
  }

  private promptField(): void {
    const { form, index } = this.filling!;
    const field = form.fields[index]!;
    const initial = field.initial ? ` [${field.initial.length > 60 ? `${field.initial.slice(0, 60)}…` : field.initial}]` : '';
    const how = field.multiline ? ` ${t(this.locale, 'console.form.multiline')}` : '';
    this.write(`${field.label}${how}${initial}:`);
  }

  /** One line typed into the form being filled in; the form is submitted after its last field. */
  private async fillLine(raw: string): Promise<void> {
    const state = this.filling!;
    const field = state.form.fields[state.index]!;
    const line = raw.replace(/\r$/, '');
    if (!this.options.interactive) this.write(`> ${line}`);
    if (line.trim() === '/cancel') {
      this.filling = undefined;
      this.write(t(this.locale, 'console.form.cancelled'));
      this.write('');
      return;
    }
    let value: string | undefined;
    if (field.multiline) {
      if (state.lines.length === 0 && line.trim() === '-') value = field.initial ?? '';
      else if (line.trim() === '.') value = state.lines.join('\n');
      else {
        state.lines.push(line);
        return;
      }
    } else {
      value = line.trim() === '-' || (line.trim() === '' && field.initial !== undefined) ? (field.initial ?? '') : line.trim();
    }
    state.lines = [];
    if (field.required && value.trim() === '') {
      this.write(t(this.locale, 'console.form.required'));
      this.promptField();
      return;
    }
    // Each field is checked as it is entered: a mistake re-asks that field, the draft kept.
    const values = { ...state.values, [field.id]: value };
    const checked = await this.engine.dispatch(this.event({ type: 'submit', formId: state.form.id, fields: values, check: field.id }));
    if (this.reask(checked)) return;
    state.values = values;
    // The next field still to fill: after a mistake found at the end, the fields after it are kept.
    const next = state.form.fields.findIndex((f, i) => i > state.index && state.values[f.id] === undefined);
    if (next !== -1) {
      state.index = next;
      return this.promptField();
    }
    this.write('');
    const reply = await this.engine.dispatch(this.event({ type: 'submit', formId: state.form.id, fields: state.values }));
    if (this.reask(reply)) return;
    this.filling = undefined;
    await this.show(reply);
  }

  /** A mistake in a field of the form being filled: shows it and asks that field again; false otherwise. */
  private reask(reply: Reply): boolean {
    const state = this.filling!;
    const field = reply.kind === 'ephemeral' && reply.error?.field !== undefined ? state.form.fields.findIndex((f) => f.id === reply.error!.field) : -1;
    if (field === -1 || reply.kind !== 'ephemeral') return false;
    this.write(reply.message.text);
    delete state.values[state.form.fields[field]!.id];
    state.index = field;
    this.promptField();
    return true;
  }

  /** Handles one line; returns false when it asks to quit. */
  async handleLine(raw: string): Promise<boolean> {
    if (this.filling) {
      await this.fillLine(raw);
      return true;
    }
    const line = raw.trim();
    if (line === '') return true;
    if (!this.options.interactive) this.write(`> ${line}`);
    if (line === '/quit' || line === '/exit') return false;

    if (/^\d+$/.test(line)) {
      const button = this.buttons[Number(line) - 1];
      if (!button) this.write(t(this.locale, 'console.no_such_button', { number: line }));
      else await this.show(await this.engine.dispatch(this.event({ type: 'action', actionId: button.actionId })));
      return true;
    }
    if (line === '/as' || line.startsWith('/as ')) {
      await this.switchActor(line.slice(3).trim());
      return true;
    }
    if (line === COMMAND_PREFIX || line.startsWith(`${COMMAND_PREFIX} `)) {
      const { name, args } = parseCommandText(line.slice(COMMAND_PREFIX.length));
      const reply = await this.engine.dispatch(this.event({ type: 'command', name, args }));
      this.locale = await this.engine.localeOf(this.actor, this.options.locale);
      await this.show(reply);
      return true;
    }
    this.write(t(this.locale, 'console.unknown_input'));
    return true;
  }

  /** Acts as another roster member; an unknown employee number leaves the current one in place. */
  async switchActor(employeeNo: string): Promise<void> {
    if (employeeNo === '' || /\s/.test(employeeNo)) {
      this.write(t(this.locale, 'console.as_usage'));
      return;
    }
    const previous = this.actor;
    this.actor = consoleActor(employeeNo);
    const reply = await this.engine.dispatch(this.event({ type: 'command', name: 'whoami', args: [] }));
    if (reply.kind === 'ephemeral' && reply.error) this.actor = previous;
    else this.buttons = [];
    this.locale = await this.engine.localeOf(this.actor, this.options.locale);
    await this.show(reply);
  }

  /**
   * Makes sure the console's person exists (and a roster member acted as with --as has their console
   * account) before anything is scheduled, so that a first start at 09:05 already delivers the 09:00
   * quiz to them. The local administrator itself is not staff and is in no audience.
   */
  async enrol(): Promise<void> {
    await this.engine.dispatch(this.event({ type: 'command', name: 'whoami', args: [] }));
  }

  async run(): Promise<void> {
    const { input, output, interactive } = this.options;
    const lines = createInterface({ input, terminal: false });
    this.write(t(this.locale, 'console.welcome'));
    this.write('');
    if (this.options.as) await this.switchActor(this.options.as);
    if (interactive) output.write('> ');
    for await (const line of lines) {
      if (!(await this.handleLine(line))) break;
      if (interactive) output.write('> ');
    }
    lines.close();
  }
}

function consoleActor(userId: string): Actor {
  return { platform: 'console', workspace: CONSOLE_WORKSPACE, userId, displayName: userId === CONSOLE_LOCAL_USER ? 'Console' : userId };
}
