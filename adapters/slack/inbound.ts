/**
 * Slack payloads → core events, pure. Only the fields Probity reads are typed; shapes follow Slack's
 * documentation for slash commands, block_actions, view_submission and the Events API.
 */
import { parseCommandText, type Actor, type Conversation, type InboundEvent } from '../../src/engine/events.js';

export interface SlashCommandPayload {
  team_id: string;
  user_id: string;
  user_name?: string;
  channel_id: string;
  command: string;
  text: string;
  /** Lets the app open a modal for three seconds. */
  trigger_id?: string;
}

export interface BlockActionsPayload {
  type: 'block_actions';
  trigger_id?: string;
  team?: { id: string } | null;
  user: { id: string; team_id?: string; name?: string; username?: string };
  channel?: { id: string };
  container?: { type: string; channel_id?: string; message_ts?: string; is_ephemeral?: boolean; view_id?: string };
  actions: { action_id: string; value?: string; selected_option?: { value: string } | null }[];
}

export interface ViewSubmissionPayload {
  type: 'view_submission';
  team?: { id: string } | null;
  user: { id: string; team_id?: string; name?: string };
  view: { callback_id: string; state: { values: Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>> } };
}

export interface SlackUser {
  id: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  /** Multi-channel and single-channel guests: outside the organisation's staff. */
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  team_id?: string;
  profile?: { email?: string; display_name?: string; real_name?: string };
}

/** Direct-message channel ids start with D on Slack; everything else is a shared conversation. */
export function conversationOf(channelId: string | undefined): Conversation {
  const id = channelId ?? 'unknown';
  return { id, kind: id.startsWith('D') ? 'dm' : 'channel' };
}

function actor(teamId: string, user: { id: string; name?: string; username?: string }): Actor {
  const name = user.username ?? user.name;
  return { platform: 'slack', workspace: teamId, userId: user.id, ...(name ? { displayName: name } : {}) };
}

export function slashCommandEvent(payload: SlashCommandPayload): InboundEvent {
  const { name, args } = parseCommandText(payload.text ?? '');
  return {
    type: 'command',
    name,
    args,
    platform: 'slack',
    actor: actor(payload.team_id, { id: payload.user_id, ...(payload.user_name ? { name: payload.user_name } : {}) }),
    conversation: conversationOf(payload.channel_id),
  };
}

export function blockActionEvent(payload: BlockActionsPayload): InboundEvent | undefined {
  const action = payload.actions[0];
  if (!action) return undefined;
  const teamId = payload.team?.id ?? payload.user.team_id ?? 'unknown';
  const channelId = payload.channel?.id ?? payload.container?.channel_id;
  const messageTs = payload.container?.message_ts;
  // A select's choice travels as one more argument of the action id, as on Discord.
  const selected = action.selected_option?.value;
  return {
    type: 'action',
    actionId: selected === undefined ? action.action_id : `${action.action_id}|${encodeURIComponent(selected)}`,
    platform: 'slack',
    actor: actor(teamId, payload.user),
    // The App Home tab and an ephemeral message are the member's own space: they behave as a DM.
    conversation:
      payload.container?.type === 'view'
        ? { id: `home:${payload.user.id}`, kind: 'dm' }
        : payload.container?.is_ephemeral
          ? { id: channelId ?? 'unknown', kind: 'dm' }
          : conversationOf(channelId),
    ...(channelId && messageTs ? { messageRef: { platform: 'slack' as const, conversationId: channelId, messageId: messageTs } } : {}),
  };
}

export function viewSubmissionEvent(payload: ViewSubmissionPayload): InboundEvent {
  const fields: Record<string, string> = {};
  for (const block of Object.values(payload.view.state.values)) {
    for (const [actionId, input] of Object.entries(block)) fields[actionId] = input.value ?? input.selected_option?.value ?? '';
  }
  const teamId = payload.team?.id ?? payload.user.team_id ?? 'unknown';
  return { type: 'submit', formId: payload.view.callback_id, fields, platform: 'slack', actor: actor(teamId, payload.user), conversation: { id: `home:${payload.user.id}`, kind: 'dm' } };
}

export function appHomeOpenedEvent(teamId: string, userId: string): InboundEvent {
  return { type: 'app_home_opened', platform: 'slack', actor: { platform: 'slack', workspace: teamId, userId }, conversation: { id: `home:${userId}`, kind: 'dm' } };
}

export function memberJoinedEvent(teamId: string, user: SlackUser): InboundEvent {
  const email = user.profile?.email;
  const displayName = user.profile?.display_name || user.real_name || user.name;
  return {
    type: 'member_joined',
    platform: 'slack',
    actor: { platform: 'slack', workspace: teamId, userId: user.id, ...(displayName ? { displayName } : {}), ...(email ? { email } : {}) },
    conversation: { id: `home:${user.id}`, kind: 'dm' },
  };
}

/** A users.list member as the directory sync sees it. */
export function directoryUser(user: SlackUser) {
  return {
    userId: user.id,
    displayName: user.profile?.real_name || user.real_name || user.profile?.display_name || user.name || user.id,
    email: user.profile?.email,
    // Slackbot is a bot without the flag.
    isBot: user.is_bot === true || user.id === 'USLACKBOT',
    // Guests are not staff: they are left out like deactivated users.
    deleted: user.deleted === true || user.is_restricted === true || user.is_ultra_restricted === true,
  };
}
