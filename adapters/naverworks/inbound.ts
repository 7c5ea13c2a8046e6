/**
 * NAVER WORKS callbacks → core events, pure (developers.worksmobile.com/kr/docs/bot-callback). A
 * message callback is a command when its text is "/integrity …", "/청렴 …" or starts with one of the
 * Korean command words the persistent menu sends ("퀴즈", "내기록" …); a message that carries a
 * `postback` is a pressed button-template button, and a postback callback a rich-menu or carousel
 * one. Both become core actions with the postback as the action id.
 */
import type { Actor, Conversation, InboundEvent } from '../../src/engine/events.js';
import { parseCommandText } from '../../src/engine/events.js';

/** NAVER WORKS user ids are unique in the tenant: accounts are not kept per domain. */
export const NAVERWORKS_WORKSPACE = 'naverworks';
export const SLASH_COMMANDS = ['/integrity', '/청렴'] as const;

/** Korean command words → the core's command names (the same ones Slack and Discord use). */
export const KOREAN_COMMANDS: Readonly<Record<string, string>> = {
  퀴즈: 'quiz',
  내기록: 'me',
  내정보: 'whoami',
  언어: 'lang',
  개인메시지: 'dm',
  도움말: 'help',
  발송현황: 'status',
  일정: 'schedule',
  서약: 'pledge',
  서한: 'announce',
  받은서한: 'letters',
  통계: 'stats',
  내보내기: 'export',
};

export interface CallbackSource {
  userId: string;
  /** Present for a message room; absent in the 1:1 room with the bot. */
  channelId?: string;
  domainId?: number;
}

export type Callback =
  | { type: 'message'; source: CallbackSource; content: { type: string; text?: string; postback?: string } }
  | { type: 'postback'; source: CallbackSource; data: string }
  | { type: 'begin' | 'join' | 'leave' | 'joined' | 'left'; source: CallbackSource };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The callback's body as the few facts Probity reads; undefined for anything else. */
export function parseCallback(body: unknown): Callback | undefined {
  if (!isRecord(body) || !isRecord(body.source) || typeof body.source.userId !== 'string' || body.source.userId === '') return undefined;
  const source: CallbackSource = {
    userId: body.source.userId,
    ...(typeof body.source.channelId === 'string' && body.source.channelId !== '' ? { channelId: body.source.channelId } : {}),
    ...(typeof body.source.domainId === 'number' ? { domainId: body.source.domainId } : {}),
  };
  switch (body.type) {
    case 'message': {
      if (!isRecord(body.content) || typeof body.content.type !== 'string') return undefined;
      const { type, text, postback } = body.content;
      return { type: 'message', source, content: { type, ...(typeof text === 'string' ? { text } : {}), ...(typeof postback === 'string' && postback !== '' ? { postback } : {}) } };
    }
    case 'postback':
      return typeof body.data === 'string' && body.data !== '' ? { type: 'postback', source, data: body.data } : undefined;
    case 'begin':
    case 'join':
    case 'leave':
    case 'joined':
    case 'left':
      return { type: body.type, source };
    default:
      return undefined;
  }
}

/**
 * A text as a command: "/integrity quiz", "/청렴 퀴즈", "퀴즈", "언어 en". Undefined for text that is
 * not one; in the 1:1 room an unknown text asks for help, so nobody is left without an answer.
 */
export function commandOf(text: string, inDm: boolean): { name: string; args: string[] } | undefined {
  const trimmed = text.trim();
  const slash = SLASH_COMMANDS.find((s) => trimmed === s || trimmed.startsWith(`${s} `));
  const { name, args } = parseCommandText(slash ? trimmed.slice(slash.length) : trimmed);
  const korean = KOREAN_COMMANDS[name];
  if (korean) return { name: korean, args };
  if (slash) return { name, args };
  return inDm && trimmed !== '' ? { name: 'help', args: [] } : undefined;
}

function actorOf(source: CallbackSource): Actor {
  return { platform: 'naverworks', workspace: NAVERWORKS_WORKSPACE, userId: source.userId };
}

export function conversationOf(source: CallbackSource): Conversation {
  return source.channelId ? { id: source.channelId, kind: 'channel' } : { id: source.userId, kind: 'dm' };
}

/** The core event for a callback; undefined for callbacks Probity does not act on. */
export function inboundEvent(callback: Callback): InboundEvent | undefined {
  const base = { platform: 'naverworks' as const, actor: actorOf(callback.source), conversation: conversationOf(callback.source) };
  switch (callback.type) {
    case 'postback':
      return { ...base, type: 'action', actionId: callback.data };
    case 'message': {
      if (callback.content.postback) return { ...base, type: 'action', actionId: callback.content.postback };
      if (callback.content.type !== 'text' || callback.content.text === undefined) return undefined;
      const command = commandOf(callback.content.text, base.conversation.kind === 'dm');
      return command ? { ...base, type: 'command', name: command.name, args: command.args } : undefined;
    }
    case 'begin':
      // The member opened the 1:1 room with the bot: their home, as Slack's App Home shows it.
      return { ...base, type: 'app_home_opened' };
    default:
      return undefined;
  }
}
