/**
 * Sends requests to a Bolt HTTP receiver the way Slack does, and builds the bodies Slack sends.
 *
 * Slack signs `v0:{x-slack-request-timestamp}:{raw body}` with HMAC-SHA256 and the app's signing secret
 * and sends `x-slack-signature: v0=<hex>`; Bolt answers 401 on a mismatch or a timestamp older than
 * five minutes. Bolt's HTTPReceiver compares the content type EXACTLY with
 * `application/x-www-form-urlencoded` (no `; charset`), else it parses the body as JSON.
 *
 * Every builder returns `{ contentType, body, payload }`: spread it into signedRequest() for HTTP, or
 * hand `payload` to `fake.socket.sendEnvelope()` for Socket Mode (Slack sends the same object there).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { SLACK_DEFAULTS, dmChannelId, fakeMember, type SlackMember } from './fakeSlack.js';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
/** Slack's deprecated verification token still rides along in every payload. */
const VERIFICATION_TOKEN = 'fake-verification-token';

export interface SlackRequestBody<P = Record<string, unknown>> {
  contentType: typeof FORM | typeof JSON_TYPE;
  body: string;
  payload: P;
}

export interface SignedRequestOptions {
  signingSecret: string;
  body: string;
  contentType: string;
  /** Unix seconds; defaults to now. Use staleTimestamp() to be rejected as a replay. */
  timestamp?: number;
  /** Overrides the computed `x-slack-signature`, e.g. 'v0=bad'. */
  signature?: string;
  /** Extra headers, e.g. retryHeaders(1, 'http_timeout'). */
  headers?: Record<string, string>;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
/** Six minutes ago: past Bolt's five-minute window. */
export const staleTimestamp = (): number => nowSeconds() - 6 * 60;

export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Headers Slack adds when it redelivers an event (Events API only; reasons: http_timeout, http_error, ...). */
export function retryHeaders(num: number, reason: string): Record<string, string> {
  return { 'x-slack-retry-num': String(num), 'x-slack-retry-reason': reason };
}

export async function signedRequest(url: string, o: SignedRequestOptions): Promise<Response> {
  const timestamp = o.timestamp ?? nowSeconds();
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': o.contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': o.signature ?? slackSignature(o.signingSecret, timestamp, o.body),
      ...o.headers,
    },
    body: o.body,
  });
}

const form = <P extends Record<string, unknown>>(payload: P): SlackRequestBody<P> => ({
  contentType: FORM,
  body: new URLSearchParams(Object.entries(payload).map(([k, v]): [string, string] => [k, String(v)])).toString(),
  payload,
});
/** Interactivity: the JSON payload travels in a single `payload` form field. */
const interactive = <P extends Record<string, unknown>>(payload: P): SlackRequestBody<P> => ({
  contentType: FORM,
  body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  payload,
});
const json = <P extends Record<string, unknown>>(payload: P): SlackRequestBody<P> => ({
  contentType: JSON_TYPE,
  body: JSON.stringify(payload),
  payload,
});

const triggerId = (): string => `${Date.now()}.${SLACK_DEFAULTS.teamId}.${randomUUID().replace(/-/g, '')}`;
const actionTs = (): string => (Date.now() / 1000).toFixed(6);

/** A slash command: every field a string, as Slack form-encodes them. `response_url` is required so nothing leaks to slack.com. */
export function slashCommand(o: { response_url: string; text?: string; command?: string; user_id?: string; user_name?: string; team_id?: string; team_domain?: string; channel_id?: string; channel_name?: string; trigger_id?: string; api_app_id?: string }) {
  return form({
    token: VERIFICATION_TOKEN,
    team_id: o.team_id ?? SLACK_DEFAULTS.teamId,
    team_domain: o.team_domain ?? SLACK_DEFAULTS.teamDomain,
    channel_id: o.channel_id ?? 'C0GENERAL',
    channel_name: o.channel_name ?? 'general',
    user_id: o.user_id ?? 'U0ALICE',
    user_name: o.user_name ?? 'alice',
    command: o.command ?? '/probity',
    text: o.text ?? '',
    api_app_id: o.api_app_id ?? SLACK_DEFAULTS.appId,
    is_enterprise_install: 'false',
    response_url: o.response_url,
    trigger_id: o.trigger_id ?? triggerId(),
  });
}

export interface ActionInput {
  action_id: string;
  block_id?: string;
  value?: string;
  type?: string;
  action_ts?: string;
  text?: string;
}

type UserRef = string | { id: string; username?: string; name?: string; team_id?: string };
const userObj = (u: UserRef | undefined) => {
  const base = typeof u === 'string' ? { id: u } : (u ?? { id: 'U0ALICE' });
  const username = base.username ?? base.id.toLowerCase();
  return { id: base.id, username, name: base.name ?? username, team_id: base.team_id ?? SLACK_DEFAULTS.teamId };
};
const teamObj = (t: { id: string; domain: string } | undefined) => t ?? { id: SLACK_DEFAULTS.teamId, domain: SLACK_DEFAULTS.teamDomain };

/**
 * A block_actions payload. With `message` (a button in a bot message) it carries channel, message,
 * container `{type:'message'}` and response_url; with `view` (Home tab or modal) it carries the view and
 * container `{type:'view'}` and Slack sends no response_url.
 */
export function blockActions(o: {
  actions: ActionInput[];
  user?: UserRef;
  team?: { id: string; domain: string };
  channel?: { id: string; name: string };
  message?: { ts: string; text?: string; blocks?: unknown[]; [key: string]: unknown };
  view?: { id: string; type?: string; callback_id?: string; private_metadata?: string; [key: string]: unknown };
  container?: Record<string, unknown>;
  response_url?: string;
  trigger_id?: string;
  state?: Record<string, unknown>;
}) {
  const channel = o.view ? undefined : (o.channel ?? { id: 'C0GENERAL', name: 'general' });
  const container =
    o.container ??
    (o.view
      ? { type: 'view', view_id: o.view.id }
      : { type: 'message', message_ts: o.message?.ts ?? '', channel_id: channel?.id, is_ephemeral: false });
  return interactive({
    type: 'block_actions',
    user: userObj(o.user),
    api_app_id: SLACK_DEFAULTS.appId,
    token: VERIFICATION_TOKEN,
    container,
    trigger_id: o.trigger_id ?? triggerId(),
    team: teamObj(o.team),
    enterprise: null,
    is_enterprise_install: false,
    ...(channel ? { channel } : {}),
    ...(o.message ? { message: { type: 'message', user: SLACK_DEFAULTS.botUserId, bot_id: SLACK_DEFAULTS.botId, text: '', ...o.message } } : {}),
    ...(o.view ? { view: { type: 'home', team_id: SLACK_DEFAULTS.teamId, app_id: SLACK_DEFAULTS.appId, bot_id: SLACK_DEFAULTS.botId, private_metadata: '', callback_id: '', state: { values: {} }, ...o.view } } : {}),
    ...(o.state ? { state: o.state } : {}),
    ...(o.response_url ? { response_url: o.response_url } : {}),
    actions: o.actions.map((a) => ({
      type: a.type ?? 'button',
      action_id: a.action_id,
      block_id: a.block_id ?? 'actions',
      ...(a.value !== undefined ? { value: a.value } : {}),
      text: { type: 'plain_text', text: a.text ?? a.action_id, emoji: true },
      action_ts: a.action_ts ?? actionTs(),
    })),
  });
}

/** A modal's view_submission; `values` is the view state: `{ [block_id]: { [action_id]: { type, value } } }`. */
export function viewSubmission(o: {
  callback_id: string;
  values?: Record<string, Record<string, Record<string, unknown>>>;
  private_metadata?: string;
  user?: UserRef;
  team?: { id: string; domain: string };
  view_id?: string;
  trigger_id?: string;
  response_urls?: Array<{ block_id: string; action_id: string; channel_id: string; response_url: string }>;
}) {
  const id = o.view_id ?? 'V0MODAL';
  return interactive({
    type: 'view_submission',
    team: teamObj(o.team),
    user: userObj(o.user),
    api_app_id: SLACK_DEFAULTS.appId,
    token: VERIFICATION_TOKEN,
    trigger_id: o.trigger_id ?? triggerId(),
    view: {
      id, team_id: SLACK_DEFAULTS.teamId, type: 'modal', blocks: [], private_metadata: o.private_metadata ?? '',
      callback_id: o.callback_id, state: { values: o.values ?? {} }, hash: `${nowSeconds()}.hash`,
      title: { type: 'plain_text', text: 'Probity', emoji: true }, clear_on_close: false, notify_on_close: false,
      close: null, submit: { type: 'plain_text', text: 'Submit', emoji: true }, previous_view_id: null,
      root_view_id: id, app_id: SLACK_DEFAULTS.appId, external_id: '', app_installed_team_id: SLACK_DEFAULTS.teamId,
      bot_id: SLACK_DEFAULTS.botId,
    },
    response_urls: o.response_urls ?? [],
    is_enterprise_install: false,
    enterprise: null,
  });
}

/** The Events API outer envelope (`type: 'event_callback'`), JSON-encoded. */
export function eventCallback<E extends { type: string }>(event: E, o: { team_id?: string; api_app_id?: string; event_id?: string; event_time?: number } = {}) {
  const teamId = o.team_id ?? SLACK_DEFAULTS.teamId;
  return json({
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: o.api_app_id ?? SLACK_DEFAULTS.appId,
    event,
    type: 'event_callback',
    event_id: o.event_id ?? `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
    event_time: o.event_time ?? nowSeconds(),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: SLACK_DEFAULTS.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomUUID()}`,
  });
}

/** Sent when a user opens the app's Home (or Messages) tab; `channel` is their DM with the app. */
export function appHomeOpened(user: string, o: { tab?: 'home' | 'messages'; view?: Record<string, unknown> } = {}) {
  return {
    type: 'app_home_opened' as const,
    user,
    channel: dmChannelId(user),
    tab: o.tab ?? 'home',
    event_ts: actionTs(),
    ...(o.view ? { view: o.view } : {}),
  };
}

/** Sent when someone joins the workspace; carries the full user object, as users.info returns it. */
export function teamJoin(user: string | SlackMember) {
  return {
    type: 'team_join' as const,
    user: typeof user === 'string' ? fakeMember(user) : user,
    cache_ts: nowSeconds(),
    event_ts: actionTs(),
  };
}

/** The one-time handshake when the Request URL is saved; Bolt answers `{challenge}`. */
export function urlVerification(challenge: string) {
  return json({ token: VERIFICATION_TOKEN, challenge, type: 'url_verification' });
}
