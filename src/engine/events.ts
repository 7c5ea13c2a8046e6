/** What adapters hand the core: one union, whatever the platform. */
import type { Role } from './roles.js';

export type Platform = 'console' | 'slack' | 'discord' | 'naverworks';

export interface Actor {
  platform: Platform;
  /** Slack team id, Discord guild id, "naverworks", or "local" for the console. */
  workspace: string;
  /** The platform's own user id (for the console: "local" or an employee number). */
  userId: string;
  displayName?: string;
  email?: string;
  /**
   * What the platform says about a person the roster does not know: roles and a department mapped
   * from platform groups by the adapter's configuration. Roster members are governed by the roster.
   */
  hints?: { roles?: Role[]; department?: string[] };
}

export interface Conversation {
  id: string;
  kind: 'dm' | 'channel';
}

/** Where a message the core can replace lives, opaque to the core. */
export interface MessageRef {
  platform: Platform;
  conversationId: string;
  messageId: string;
}

interface EventBase {
  platform: Platform;
  actor: Actor;
  conversation: Conversation;
}

export type InboundEvent =
  | (EventBase & { type: 'command'; name: string; args: string[] })
  | (EventBase & { type: 'action'; actionId: string; messageRef?: MessageRef })
  /**
   * A form submitted; with `check`, only that field is validated (against the fields entered so far)
   * and nothing else happens: what a client filling the form one field at a time asks after each.
   */
  | (EventBase & { type: 'submit'; formId: string; fields: Record<string, string>; check?: string })
  | (EventBase & { type: 'member_joined' })
  | (EventBase & { type: 'app_home_opened' });

/** Opaque, platform-prefixed identity: "slack:T1:U2". */
export function actorKey(actor: Actor): string {
  return `${actor.platform}:${actor.workspace}:${actor.userId}`;
}

/**
 * Splits the text after the slash command ("quiz", "lang en", "as 1001") into a subcommand and its
 * arguments. Quoted arguments keep their spaces. Every adapter uses this, so commands parse alike.
 */
export function parseCommandText(input: string): { name: string; args: string[] } {
  const tokens: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of input.trim().matchAll(pattern)) tokens.push(match[1] ?? match[2] ?? match[3] ?? '');
  const [name = 'help', ...args] = tokens;
  return { name: name.toLowerCase(), args };
}
