/** NAVER WORKS callbacks (shapes from developers.worksmobile.com/kr/docs/bot-callback-*) → core events. */
import { describe, expect, it } from 'vitest';
import { signatureOf, verifySignature } from '../../../adapters/naverworks/callback.js';
import { commandOf, inboundEvent, parseCallback } from '../../../adapters/naverworks/inbound.js';

const USER = 'c72af563-0f21-4736-11e4-045237113344';
const ROOM = '12345a12-b12c-12d3-e123fghijkl';
const message = (content: Record<string, unknown>, channelId?: string) => ({ type: 'message', source: { userId: USER, ...(channelId ? { channelId } : {}), domainId: 40029600 }, issuedTime: '2026-11-27T00:30:00.000Z', content });
const event = (body: unknown) => {
  const callback = parseCallback(body);
  return callback ? inboundEvent(callback) : undefined;
};

describe('NAVER WORKS inbound', () => {
  it('GIVEN "/integrity quiz" in the 1:1 room THEN a quiz command from the NAVER WORKS account, in a DM', () => {
    expect(event(message({ type: 'text', text: '/integrity quiz' }))).toEqual({
      type: 'command',
      name: 'quiz',
      args: [],
      platform: 'naverworks',
      actor: { platform: 'naverworks', workspace: 'naverworks', userId: USER },
      conversation: { id: USER, kind: 'dm' },
    });
  });

  it('GIVEN Korean command words, with or without "/청렴" THEN the same commands as their English names', () => {
    expect(commandOf('퀴즈', true)).toEqual({ name: 'quiz', args: [] });
    expect(commandOf('/청렴 내기록', false)).toEqual({ name: 'me', args: [] });
    expect(commandOf('언어 en', true)).toEqual({ name: 'lang', args: ['en'] });
    expect(commandOf('/integrity stats month "행정국/감사과"', false)).toEqual({ name: 'stats', args: ['month', '행정국/감사과'] });
    expect(commandOf('/integrity', false)).toEqual({ name: 'help', args: [] });
  });

  it('GIVEN other text THEN help in the 1:1 room, and nothing in a shared room (people talk there)', () => {
    expect(commandOf('안녕하세요', true)).toEqual({ name: 'help', args: [] });
    expect(event(message({ type: 'text', text: '안녕하세요' }, ROOM))).toBeUndefined();
    expect(commandOf('/integrityquiz', false)).toBeUndefined();
  });

  it('GIVEN a pressed button-template button (a message with a postback) in a room THEN an action with the postback as action id, in that room', () => {
    expect(event(message({ type: 'text', text: '선택지 1', postback: 'quiz.answer|7|1' }, ROOM))).toMatchObject({ type: 'action', actionId: 'quiz.answer|7|1', conversation: { id: ROOM, kind: 'channel' } });
  });

  it('GIVEN a postback callback THEN an action; GIVEN the 1:1 room opened (begin) THEN the home', () => {
    expect(event({ type: 'postback', source: { userId: USER, channelId: ROOM, domainId: 1 }, issuedTime: 'x', data: 'home.open' })).toMatchObject({ type: 'action', actionId: 'home.open' });
    expect(event({ type: 'begin', source: { userId: USER, domainId: 1 } })).toMatchObject({ type: 'app_home_opened', conversation: { kind: 'dm' } });
  });

  it('GIVEN malformed or foreign bodies THEN nothing', () => {
    for (const body of [null, [], { type: 'message' }, { type: 'message', source: { userId: '' }, content: {} }, { type: 'postback', source: { userId: USER } }, { type: 'sticker-party', source: { userId: USER } }]) {
      expect(parseCallback(body)).toBeUndefined();
    }
    expect(event(message({ type: 'sticker', packageId: '1', stickerId: '2' }))).toBeUndefined();
  });

  it('GIVEN the documented signature scheme THEN the body signed with the bot secret verifies, and a changed body, another secret or no signature does not', () => {
    const body = Buffer.from(JSON.stringify(message({ type: 'text', text: 'hello' })));
    const signature = signatureOf(body, 'bot-secret');
    expect(verifySignature(body, signature, 'bot-secret')).toBe(true);
    expect(verifySignature(Buffer.from(`${body.toString()} `), signature, 'bot-secret')).toBe(false);
    expect(verifySignature(body, signature, 'other-secret')).toBe(false);
    expect(verifySignature(body, undefined, 'bot-secret')).toBe(false);
    expect(verifySignature(body, 'AAAA', 'bot-secret')).toBe(false);
  });
});
