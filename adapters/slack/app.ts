/**
 * The Slack adapter: a Bolt app in Socket Mode (SLACK_APP_TOKEN) or on the HTTP receiver
 * (SLACK_SIGNING_SECRET, POST /slack/events). Every request is acknowledged first — Slack allows three
 * seconds — and then dispatched to the core; the reply goes back through response_url, chat.postMessage
 * or views.publish, and its files through Slack's external-upload flow (see deliver()). Bolt's
 * WebClient retries are off: the outbox and Slack's own idempotent design (answers are unique per
 * member and day in the database) handle repeats.
 */
import type { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, type App as BoltApp, type Logger as BoltLogger, type RespondFn } from '@slack/bolt';
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { SlackConfig } from '../../src/config.js';
import type { Services } from '../../src/engine/context.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Reply } from '../../src/engine/reply.js';
import type { Conversation } from '../../src/engine/events.js';
import { syncDirectory, type DirectorySummary } from '../../src/features/people/directory.js';
import { effectiveLocale } from '../../src/features/people/people.js';
import { accountFor, dmChannelStore, memberById } from '../../src/features/people/people.repository.js';
import { t, type Locale } from '../../src/i18n/index.js';
import type { Logger } from '../../src/log.js';
import { isRole, type Role } from '../../src/engine/roles.js';
import {
  appHomeOpenedEvent,
  blockActionEvent,
  directoryUser,
  memberJoinedEvent,
  slashCommandEvent,
  viewSubmissionEvent,
  type BlockActionsPayload,
  type SlackUser,
  type SlashCommandPayload,
  type ViewSubmissionPayload,
} from './inbound.js';
import { partitionFiles, tooLargeNote, withNotes } from '../../src/ui/files.js';
import { SLACK_FILE_MAX_BYTES } from './limits.js';
import { createWebClient, retryOnceIfRateLimited, SlackChatPort } from './outbound.js';
import { renderForm, renderMessage } from './render.js';
import { truncate } from '../../src/ui/text.js';

export const SLASH_COMMAND = '/integrity';
const USERS_PAGE = 200;
/** Slack shows at most this many characters of a field's error under it. */
const FIELD_ERROR_MAX = 150;

/** Bolt logs through Probity's logger, at warn unless asked, and never with tokens. */
function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ adapter: 'slack' });
  let level = LogLevel.WARN;
  return {
    debug: (...msg) => child.debug(msg.map(String).join(' ')),
    info: (...msg) => child.info(msg.map(String).join(' ')),
    warn: (...msg) => child.warn(msg.map(String).join(' ')),
    error: (...msg) => child.error(msg.map(String).join(' ')),
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}

export interface SlackAdapter {
  app: BoltApp;
  port: SlackChatPort;
  client: WebClient;
  /** Starts receiving; in HTTP mode, resolves with the port the receiver listens on. */
  start(): Promise<{ port: number | undefined }>;
  stop(): Promise<void>;
  /** For readiness: the socket is connected (Socket Mode), or the receiver listens (HTTP). */
  connected(): boolean;
  syncDirectory(): Promise<DirectorySummary>;
}

export function createSlackAdapter(engine: Engine, services: Services, config: SlackConfig): SlackAdapter {
  const { log } = services;
  const clientOptions = { ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}), retryConfig: { retries: 0 }, rejectRateLimitedCalls: true };
  const app = config.appToken
    ? new App({ token: config.botToken, appToken: config.appToken, socketMode: true, clientOptions, logger: boltLogger(log) })
    : new App({ token: config.botToken, signingSecret: config.signingSecret!, clientOptions, logger: boltLogger(log), endpoints: '/slack/events' });
  const client = createWebClient(config.botToken, config.apiUrl);

  /** The member's own language, for the notes the adapter adds; the organisation's before they are known. */
  async function localeOf(teamId: string, userId: string): Promise<Locale> {
    const account = await accountFor(services.db, { platform: 'slack', workspace: teamId, userId });
    const member = account ? await memberById(services.db, account.member_id) : undefined;
    return member ? effectiveLocale(member, services.config.locale) : services.config.locale;
  }
  const port = new SlackChatPort(client, dmChannelStore(services.db, 'slack'), (recipient) =>
    recipient.kind === 'user' ? localeOf(recipient.workspace, recipient.userId) : Promise.resolve(services.config.locale),
  );

  /**
   * A reply to the person who asked, by the best way Slack offers from where they asked. The text and
   * card go through response_url; files cannot (nor can an ephemeral message carry any), so they are
   * uploaded: into the channel when the reply is for everyone there, else into the member's DM with
   * the app, and the reply says so.
   */
  async function deliver(reply: Reply, via: { respond?: RespondFn; userId: string; teamId: string; conversation?: Conversation; triggerId?: string }): Promise<void> {
    if (reply.kind === 'none') return;
    if (reply.kind === 'form') {
      // A form is a modal, opened with the trigger of the command or button that asked for it.
      if (via.triggerId) {
        try {
          const view = renderForm(reply.form, t(await localeOf(via.teamId, via.userId), 'form.close'));
          await retryOnceIfRateLimited(() => client.views.open({ trigger_id: via.triggerId!, view: view as never }));
          return;
        } catch (error) {
          log.warn({ err: error, adapter: 'slack' }, 'could not open a modal');
        }
      }
      return deliver({ kind: 'ephemeral', message: reply.fallback }, via);
    }
    const { message } = reply;
    const { fits, tooLarge } = partitionFiles(message.files, SLACK_FILE_MAX_BYTES);
    const shared = via.respond && reply.kind !== 'ephemeral' && via.conversation?.kind === 'channel' ? via.conversation.id : undefined;
    const dm = fits.length > 0 && !shared ? await port.openDm(via.teamId, via.userId) : undefined;
    const dmNote = dm !== undefined && via.respond !== undefined && dm !== via.conversation?.id;
    const locale = tooLarge.length > 0 || dmNote ? await localeOf(via.teamId, via.userId) : services.config.locale;
    const notes = [...tooLarge.map((f) => tooLargeNote(locale, f)), ...(dmNote ? [t(locale, 'file.sent_to_dm')] : [])];
    const rendered = renderMessage(withNotes(message, notes));
    if (!via.respond) {
      // From the App Home tab there is no response_url: answer in the member's DM, files included.
      const channel = dm ?? (await port.dmChannel(via.teamId, via.userId));
      await retryOnceIfRateLimited(() => client.chat.postMessage({ channel, ...rendered }));
      if (dm) await retryOnceIfRateLimited(() => port.uploadFiles(dm, fits));
      return;
    }
    if (reply.kind === 'replace') await via.respond({ ...rendered, replace_original: true });
    else await via.respond({ ...rendered, response_type: reply.kind === 'post' ? 'in_channel' : 'ephemeral', replace_original: false });
    if (dm) await retryOnceIfRateLimited(() => port.uploadFiles(dm, fits, { initialComment: message.text }));
    else if (shared) {
      try {
        await retryOnceIfRateLimited(() => port.uploadFiles(shared, fits));
      } catch (error) {
        // The app may answer a slash command in a channel it is not a member of: the files go to the DM.
        if ((error as { code?: unknown }).code !== ErrorCode.PlatformError) throw error;
        log.warn({ adapter: 'slack', reason: (error as { data?: { error?: string } }).data?.error }, 'files could not be shared in the channel; sent by DM');
        const dmChannel = await port.openDm(via.teamId, via.userId);
        await retryOnceIfRateLimited(() => port.uploadFiles(dmChannel, fits, { initialComment: message.text }));
        await via.respond({ text: t(await localeOf(via.teamId, via.userId), 'file.sent_to_dm'), response_type: 'ephemeral', replace_original: false });
      }
    }
  }

  app.command(SLASH_COMMAND, async ({ ack, command, respond }) => {
    await ack();
    const payload = command as unknown as SlashCommandPayload;
    const event = slashCommandEvent(payload);
    await deliver(await engine.dispatch(event), {
      respond,
      userId: payload.user_id,
      teamId: payload.team_id,
      conversation: event.conversation,
      ...(payload.trigger_id ? { triggerId: payload.trigger_id } : {}),
    });
  });

  app.action(/.*/, async ({ ack, body, respond }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    const payload = body as unknown as BlockActionsPayload;
    const event = blockActionEvent(payload);
    if (!event) return;
    const fromHome = payload.container?.type === 'view';
    await deliver(await engine.dispatch(event), {
      ...(fromHome ? {} : { respond }),
      userId: payload.user.id,
      teamId: event.actor.workspace,
      conversation: event.conversation,
      ...(payload.trigger_id ? { triggerId: payload.trigger_id } : {}),
    });
  });

  app.view(/.*/, async ({ ack, body }) => {
    const payload = body as unknown as ViewSubmissionPayload;
    const event = viewSubmissionEvent(payload);
    const reply = await engine.dispatch(event);
    // A mistake in the form keeps the modal open with the message under the field (or the first one),
    // so nothing typed is lost; anything else closes it and answers in the member's DM.
    if (reply.kind === 'ephemeral' && reply.error && reply.error.code !== 'error.internal') {
      const blockIds = Object.keys(payload.view.state.values);
      const field = reply.error.field && blockIds.includes(reply.error.field) ? reply.error.field : blockIds[0];
      if (field) {
        const errors: Record<string, string> = { [field]: truncate(reply.message.text, FIELD_ERROR_MAX) };
        // The other fields are checked too, so every mistake shows at once and one correction is enough.
        if (reply.error.field !== undefined && event.type === 'submit') {
          for (const other of blockIds.filter((id) => id !== field)) {
            const checked = await engine.dispatch({ ...event, check: other });
            if (checked.kind === 'ephemeral' && checked.error?.field === other) errors[other] = truncate(checked.message.text, FIELD_ERROR_MAX);
          }
        }
        return void (await ack({ response_action: 'errors', errors } as never));
      }
    }
    // The next page of a form replaces the modal: nothing is posted, so what the earlier page carried
    // (a pulse's first answers) never lands in a message.
    if (reply.kind === 'form') {
      return void (await ack({ response_action: 'update', view: renderForm(reply.form, t(await localeOf(event.actor.workspace, payload.user.id), 'form.close')) } as never));
    }
    await ack();
    await deliver(reply, { userId: payload.user.id, teamId: event.actor.workspace });
  });

  app.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home') return;
    const teamId = (body as { team_id?: string }).team_id ?? 'unknown';
    const reply = await engine.dispatch(appHomeOpenedEvent(teamId, event.user));
    if (reply.kind !== 'ephemeral' && reply.kind !== 'post' && reply.kind !== 'replace') return;
    await retryOnceIfRateLimited(() => client.views.publish({ user_id: event.user, view: { type: 'home', blocks: renderMessage(reply.message).blocks as never } }));
  });

  app.event('team_join', async ({ event, body }) => {
    const teamId = (body as { team_id?: string }).team_id ?? 'unknown';
    await deliver(await engine.dispatch(memberJoinedEvent(teamId, event.user as unknown as SlackUser)), { userId: event.user.id, teamId });
  });

  app.error(async (error) => {
    log.error({ err: error, adapter: 'slack' }, 'slack handler failed');
  });

  async function syncDirectoryNow(): Promise<DirectorySummary> {
    const auth = await client.auth.test();
    const teamId = auth.team_id ?? 'unknown';
    const users: SlackUser[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.users.list({ limit: USERS_PAGE, ...(cursor ? { cursor } : {}) });
      users.push(...((page.members ?? []) as SlackUser[]));
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    const groupRoles = await rolesFromUserGroups();
    return syncDirectory(
      services,
      'slack',
      teamId,
      // With a group mapping, everyone's mapped roles are stated, an empty list included, so leaving a
      // group takes its role away.
      users.map((u) => ({ ...directoryUser(u), ...(groupRoles ? { hints: { roles: groupRoles.get(u.id) ?? [] } } : {}) })),
    );
  }

  /** SLACK_USER_GROUP_ROLES: members of each mapped user group get its role (people not on the roster). */
  async function rolesFromUserGroups(): Promise<Map<string, Role[]> | undefined> {
    if (Object.keys(config.userGroupRoles).length === 0) return undefined;
    const byUser = new Map<string, Role[]>();
    for (const [group, role] of Object.entries(config.userGroupRoles)) {
      if (!isRole(role)) continue;
      const members = await client.usergroups.users.list({ usergroup: group });
      for (const userId of members.users ?? []) byUser.set(userId, [...(byUser.get(userId) ?? []), role]);
    }
    return byUser;
  }

  let connected = false;
  return {
    app,
    port,
    client,
    async start() {
      if (config.appToken) {
        // Bolt keeps its Socket Mode client on the receiver it made; its state events say whether the
        // socket is up between reconnects.
        const socket = (app as unknown as { receiver?: { client?: EventEmitter } }).receiver?.client;
        socket?.on('connected', () => void (connected = true));
        for (const state of ['reconnecting', 'disconnecting', 'disconnected']) socket?.on(state, () => void (connected = false));
        await app.start();
        connected = true;
        log.info({ mode: 'socket' }, 'slack adapter started');
        return { port: undefined };
      }
      const server = (await app.start(config.port)) as { address(): AddressInfo | string | null };
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : config.port;
      log.info({ mode: 'http', port, path: '/slack/events' }, 'slack adapter started');
      connected = true;
      return { port };
    },
    stop: async () => {
      connected = false;
      await app.stop();
    },
    connected: () => connected,
    syncDirectory: syncDirectoryNow,
  };
}
