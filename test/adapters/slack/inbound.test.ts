/** Slack payloads (documented shapes) → core events. */
import { describe, expect, it } from 'vitest';
import { blockActionEvent, directoryUser, memberJoinedEvent, slashCommandEvent, viewSubmissionEvent } from '../../../adapters/slack/inbound.js';

describe('Slack inbound', () => {
  it('a slash command becomes a command event with its subcommand and arguments', () => {
    const event = slashCommandEvent({ team_id: 'T1', user_id: 'U2', user_name: 'kim', channel_id: 'D9', command: '/integrity', text: 'lang  en' });
    expect(event).toEqual({
      type: 'command',
      name: 'lang',
      args: ['en'],
      platform: 'slack',
      actor: { platform: 'slack', workspace: 'T1', userId: 'U2', displayName: 'kim' },
      conversation: { id: 'D9', kind: 'dm' },
    });
    expect(slashCommandEvent({ team_id: 'T1', user_id: 'U2', channel_id: 'C1', command: '/integrity', text: '' })).toMatchObject({ name: 'help', conversation: { kind: 'channel' } });
  });

  it('block_actions becomes an action event with a message reference; from App Home it counts as a DM', () => {
    const base = { type: 'block_actions' as const, team: { id: 'T1' }, user: { id: 'U2', username: 'kim' }, actions: [{ action_id: 'quiz.answer|1|2026-11-27|0' }] };
    expect(blockActionEvent({ ...base, channel: { id: 'C7' }, container: { type: 'message', channel_id: 'C7', message_ts: '1.2', is_ephemeral: true } })).toEqual({
      type: 'action',
      actionId: 'quiz.answer|1|2026-11-27|0',
      platform: 'slack',
      actor: { platform: 'slack', workspace: 'T1', userId: 'U2', displayName: 'kim' },
      // An ephemeral message is the member's own: it behaves as a DM (the answer replaces the question).
      conversation: { id: 'C7', kind: 'dm' },
      messageRef: { platform: 'slack', conversationId: 'C7', messageId: '1.2' },
    });
    expect(blockActionEvent({ ...base, container: { type: 'view', view_id: 'V1' } })).toMatchObject({ conversation: { kind: 'dm' } });
    expect(blockActionEvent({ ...base, channel: { id: 'C7' }, container: { type: 'message', channel_id: 'C7', message_ts: '1.2' } })).toMatchObject({ conversation: { kind: 'channel' } });
    expect(blockActionEvent({ ...base, actions: [] })).toBeUndefined();
    const select = blockActionEvent({ ...base, actions: [{ action_id: 'lang.pick', selected_option: { value: 'en' } }] });
    expect(select).toMatchObject({ actionId: 'lang.pick|en' });
  });

  it('view_submission fields are read from the view state', () => {
    const event = viewSubmissionEvent({
      type: 'view_submission',
      team: { id: 'T1' },
      user: { id: 'U2' },
      view: { callback_id: 'announce', state: { values: { b1: { title: { value: '설 인사' } }, b2: { audience: { selected_option: { value: 'all' } } } } } },
    });
    expect(event).toMatchObject({ type: 'submit', formId: 'announce', fields: { title: '설 인사', audience: 'all' } });
  });

  it('team_join carries the e-mail for roster matching; the directory ignores bots, Slackbot and deleted users', () => {
    const user = { id: 'U3', name: 'lee', profile: { email: 'lee@city.example', display_name: 'Lee' } };
    expect(memberJoinedEvent('T1', user)).toMatchObject({ type: 'member_joined', actor: { userId: 'U3', email: 'lee@city.example', displayName: 'Lee' } });
    expect(directoryUser({ id: 'USLACKBOT', name: 'slackbot' }).isBot).toBe(true);
    expect(directoryUser({ id: 'B1', is_bot: true }).isBot).toBe(true);
    expect(directoryUser({ id: 'U4', deleted: true }).deleted).toBe(true);
    // Guests are not staff.
    expect(directoryUser({ id: 'U6', is_restricted: true }).deleted).toBe(true);
    expect(directoryUser({ id: 'U7', is_ultra_restricted: true }).deleted).toBe(true);
    expect(directoryUser({ id: 'U5', real_name: 'Park', profile: { email: 'p@x.kr' } })).toEqual({ userId: 'U5', displayName: 'Park', email: 'p@x.kr', isBot: false, deleted: false });
  });
});
