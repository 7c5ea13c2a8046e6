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
import type { Button, Message } from '../../src/ui/card.js';
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
}

export class ConsoleAdapter implements ChatPort {
  readonly platform = 'console' as const;
  readonly capabilities = { directMessages: true };
  private actor: Actor;
  private buttons: Button[] = [];
  private sent = 0;

  constructor(
    private readonly engine: Engine,
    private readonly options: ConsoleOptions,
  ) {
    this.actor = consoleActor(options.as ?? CONSOLE_LOCAL_USER);
  }

  private write(text: string): void {
    this.options.output.write(`${text}\n`);
  }

  private event(partial: { type: 'command'; name: string; args: string[] } | { type: 'action'; actionId: string }): InboundEvent {
    return { ...partial, platform: 'console', actor: this.actor, conversation: { id: 'console', kind: 'dm' } };
  }

  private show(reply: Reply): void {
    if (reply.kind === 'none') return;
    const rendered = renderMessage(reply.message);
    // A card with live buttons becomes what numbers press; an answer card (buttons disabled) leaves the
    // earlier card's numbers in place, as the original message stays on a chat client's screen.
    if (rendered.buttons.length > 0) this.buttons = rendered.buttons;
    this.write(rendered.text);
    this.write('');
  }

  /** Scheduled deliveries: everyone with a console identity reads this one terminal. */
  async send(recipient: Recipient, message: Message): Promise<SentRef> {
    const name = recipient.kind === 'channel' ? `#${recipient.channelId}` : recipient.userId === CONSOLE_LOCAL_USER ? 'Console' : recipient.userId;
    this.write(t(this.options.locale, 'console.delivery', { name }));
    this.show({ kind: 'post', message });
    this.sent += 1;
    return { conversationId: recipient.kind === 'channel' ? recipient.channelId : recipient.userId, messageId: String(this.sent) };
  }

  /** Handles one line; returns false when it asks to quit. */
  async handleLine(raw: string): Promise<boolean> {
    const line = raw.trim();
    if (line === '') return true;
    if (!this.options.interactive) this.write(`> ${line}`);
    if (line === '/quit' || line === '/exit') return false;

    if (/^\d+$/.test(line)) {
      const button = this.buttons[Number(line) - 1];
      if (!button) this.write(t(this.options.locale, 'console.no_such_button', { number: line }));
      else this.show(await this.engine.dispatch(this.event({ type: 'action', actionId: button.actionId })));
      return true;
    }
    if (line === '/as' || line.startsWith('/as ')) {
      await this.switchActor(line.slice(3).trim());
      return true;
    }
    if (line === COMMAND_PREFIX || line.startsWith(`${COMMAND_PREFIX} `)) {
      const { name, args } = parseCommandText(line.slice(COMMAND_PREFIX.length));
      this.show(await this.engine.dispatch(this.event({ type: 'command', name, args })));
      return true;
    }
    this.write(t(this.options.locale, 'console.unknown_input'));
    return true;
  }

  /** Acts as another roster member; an unknown employee number leaves the current one in place. */
  async switchActor(employeeNo: string): Promise<void> {
    if (employeeNo === '' || /\s/.test(employeeNo)) {
      this.write(t(this.options.locale, 'console.as_usage'));
      return;
    }
    const previous = this.actor;
    this.actor = consoleActor(employeeNo);
    const reply = await this.engine.dispatch(this.event({ type: 'command', name: 'whoami', args: [] }));
    if (reply.kind === 'ephemeral' && reply.error) this.actor = previous;
    else this.buttons = [];
    this.show(reply);
  }

  /**
   * Makes sure the console's person exists before anything is scheduled, so that a first start at
   * 09:05 already counts them in the 09:00 quiz's audience.
   */
  async enrol(): Promise<void> {
    await this.engine.dispatch(this.event({ type: 'command', name: 'whoami', args: [] }));
  }

  async run(): Promise<void> {
    const { input, output, interactive } = this.options;
    const lines = createInterface({ input, terminal: false });
    this.write(t(this.options.locale, 'console.welcome'));
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
