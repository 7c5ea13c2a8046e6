/**
 * Discord interactions → core events, pure. The client hands over the few facts Probity reads; tests
 * build them from payloads shaped like Discord's documentation.
 */
import type { Actor, Conversation, InboundEvent } from '../../src/engine/events.js';
import { isRole, type Role } from '../../src/engine/roles.js';
import { parseDepartmentPath } from '../../src/features/people/roster.js';
import { ARGUMENT_ORDER } from './commands.js';

/** Discord user ids are global, so accounts are not kept per guild. */
export const DISCORD_WORKSPACE = 'discord';

export interface InteractionFacts {
  guildId: string | null;
  channelId: string | null;
  user: { id: string; username: string; globalName?: string | null };
  /** Whether the message a component sits on is ephemeral (private to this user). */
  ephemeralMessage?: boolean;
  /** Roles and department from the member's Discord roles (see hintsFromRoles). */
  hints?: Actor['hints'];
}

/**
 * Discord roles → Probity roles and a department, by DISCORD_ROLE_MAP entries such as
 * "123…=role:hr" and "456…=department:행정국/감사과". Applies to people the roster does not know.
 */
export function hintsFromRoles(roles: readonly string[], roleMap: Readonly<Record<string, string>>): Actor['hints'] | undefined {
  // Without a mapping, Discord roles say nothing; with one, they say everything, so a removed role is
  // taken away again (an empty list included).
  if (Object.keys(roleMap).length === 0) return undefined;
  const probityRoles = new Set<Role>();
  let department: string[] | undefined;
  for (const id of roles) {
    const target = roleMap[id];
    if (target?.startsWith('role:')) {
      const role = target.slice('role:'.length);
      if (isRole(role)) probityRoles.add(role);
    } else if (target?.startsWith('department:')) {
      department ??= parseDepartmentPath(target.slice('department:'.length));
    }
  }
  return { roles: [...probityRoles], ...(department ? { department } : {}) };
}

function actorOf(facts: InteractionFacts): Actor {
  return { platform: 'discord', workspace: DISCORD_WORKSPACE, userId: facts.user.id, displayName: facts.user.globalName || facts.user.username, ...(facts.hints ? { hints: facts.hints } : {}) };
}

function conversationOf(facts: InteractionFacts): Conversation {
  // A DM, or an ephemeral message only this member sees, behaves as a private conversation.
  const private_ = facts.guildId === null || facts.ephemeralMessage === true;
  return { id: facts.channelId ?? 'unknown', kind: private_ ? 'dm' : 'channel' };
}

export function commandEvent(facts: InteractionFacts, subcommand: string, options: Readonly<Record<string, string>>): InboundEvent {
  const order = ARGUMENT_ORDER[subcommand] ?? [];
  const args = order.map((name) => options[name]).filter((v): v is string => v !== undefined);
  return { type: 'command', name: subcommand, args, platform: 'discord', actor: actorOf(facts), conversation: conversationOf(facts) };
}

export function componentEvent(facts: InteractionFacts, customId: string, messageId: string | undefined): InboundEvent {
  return {
    type: 'action',
    actionId: customId,
    platform: 'discord',
    actor: actorOf(facts),
    conversation: conversationOf(facts),
    ...(messageId && facts.channelId ? { messageRef: { platform: 'discord' as const, conversationId: facts.channelId, messageId } } : {}),
  };
}

/**
 * A select menu: its choice travels as one more argument of the action id, so a core action route
 * reads a selection exactly as it reads a button's arguments.
 */
export function selectEvent(facts: InteractionFacts, customId: string, values: readonly string[], messageId: string | undefined): InboundEvent {
  const actionId = [customId, ...values.map((v) => encodeURIComponent(v))].join('|');
  return componentEvent(facts, actionId, messageId);
}

export function modalEvent(facts: InteractionFacts, customId: string, fields: Readonly<Record<string, string>>): InboundEvent {
  return { type: 'submit', formId: customId, fields: { ...fields }, platform: 'discord', actor: actorOf(facts), conversation: conversationOf(facts) };
}
