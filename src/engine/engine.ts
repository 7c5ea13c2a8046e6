/**
 * dispatch(event) → route → handler, with one error boundary and one place for authorisation.
 * A UserError becomes a localised ephemeral reply and nothing is changed; anything else is logged with
 * an incident id that the user sees, so support can find it.
 */
import { randomUUID } from 'node:crypto';
import { t, translator, type Locale } from '../i18n/index.js';
import { resolveMember, effectiveLocale } from '../features/people/people.js';
import { accountFor, memberById } from '../features/people/people.repository.js';
import { decodeAction } from '../ui/actionId.js';
import { localDay } from '../time.js';
import type { RequestContext, Services } from './context.js';
import { UserError } from './errors.js';
import type { Actor, InboundEvent } from './events.js';
import { failure, none, type Reply } from './reply.js';
import { hasAnyRole, parseRoles } from './roles.js';
import type { ActionRoute, CommandRoute, FormRoute, Routes } from './routes.js';

const MS_PER_SECOND = 1000;

export class Engine {
  private readonly commands: Map<string, CommandRoute>;
  private readonly actions: Map<string, ActionRoute>;
  private readonly forms: Map<string, FormRoute>;
  private readonly events: NonNullable<Routes['events']>;

  constructor(
    readonly services: Services,
    routes: Routes,
  ) {
    this.commands = new Map(routes.commands.map((r) => [r.name, r]));
    this.actions = new Map(routes.actions.map((r) => [r.name, r]));
    this.forms = new Map((routes.forms ?? []).map((r) => [r.name, r]));
    this.events = routes.events ?? {};
  }

  /**
   * The language of the person behind this identity (their choice, else the roster's), for an
   * adapter's own words around the replies; `fallback` for someone with neither, or not known yet.
   */
  async localeOf(actor: Actor, fallback: Locale): Promise<Locale> {
    const account = await accountFor(this.services.db, actor);
    const member = account ? await memberById(this.services.db, account.member_id) : undefined;
    return member ? effectiveLocale(member, fallback) : fallback;
  }

  /** The commands a set of roles may use, in registration order (for help). */
  commandsFor(ctx: RequestContext): CommandRoute[] {
    return [...this.commands.values()].filter((r) => !r.hidden && hasAnyRole(ctx.roles, r.roles));
  }

  async dispatch(event: InboundEvent): Promise<Reply> {
    const started = performance.now();
    try {
      return await this.answer(event);
    } finally {
      this.services.metrics?.handlerDuration(event.type, (performance.now() - started) / MS_PER_SECOND);
    }
  }

  private async answer(event: InboundEvent): Promise<Reply> {
    let locale: Locale = this.services.config.locale;
    try {
      const ctx = await this.context(event);
      locale = ctx.locale;
      return await this.route(ctx);
    } catch (error) {
      if (error instanceof UserError) {
        return failure({ text: `⚠️ ${t(locale, error.code, error.params)}` }, error.code, error.field);
      }
      const incident = randomUUID().slice(0, 8);
      this.services.log.error({ err: error, incident, event: describe(event) }, 'handler failed');
      return failure({ text: `⚠️ ${t(locale, 'error.internal', { incident })}` }, 'error.internal');
    }
  }

  private async context(event: InboundEvent): Promise<RequestContext> {
    const now = this.services.clock.now();
    const member = await resolveMember(this.services, event.actor, now.toISOString());
    const locale = effectiveLocale(member, this.services.config.locale);
    return {
      ...this.services,
      event,
      member,
      roles: parseRoles(member.roles),
      locale,
      t: translator(locale),
      today: localDay(now, this.services.config.timezone),
      nowIso: now.toISOString(),
    };
  }

  private async route(ctx: RequestContext): Promise<Reply> {
    const { event } = ctx;
    switch (event.type) {
      case 'command': {
        const route = this.commands.get(event.name);
        if (!route) throw new UserError('error.unknown_command', { command: event.name });
        if (!hasAnyRole(ctx.roles, route.roles)) throw new UserError('error.forbidden');
        return route.handle(ctx, event.args);
      }
      case 'action': {
        const decoded = decodeAction(event.actionId);
        const route = decoded ? this.actions.get(decoded.name) : undefined;
        if (!decoded || !route) throw new UserError('error.stale_action');
        if (!hasAnyRole(ctx.roles, route.roles)) throw new UserError('error.forbidden');
        return route.handle(ctx, decoded.args);
      }
      case 'app_home_opened':
      case 'member_joined': {
        const handler = this.events[event.type];
        return handler ? handler(ctx) : none();
      }
      case 'submit': {
        const decoded = decodeAction(event.formId);
        const route = decoded ? this.forms.get(decoded.name) : undefined;
        if (!decoded || !route) throw new UserError('error.stale_action');
        if (!hasAnyRole(ctx.roles, route.roles)) throw new UserError('error.forbidden');
        if (event.check !== undefined) {
          await route.check?.(ctx, decoded.args, event.fields, event.check);
          return none();
        }
        return route.handle(ctx, decoded.args, event.fields);
      }
    }
  }
}

/** What is safe to log about an event: no free text the user typed beyond the command name. */
function describe(event: InboundEvent): Record<string, unknown> {
  return {
    type: event.type,
    platform: event.platform,
    actor: `${event.actor.platform}:${event.actor.workspace}:${event.actor.userId}`,
    ...(event.type === 'command' ? { command: event.name } : {}),
    // The action's name only: its arguments can say which answer a person chose.
    ...(event.type === 'action' ? { action: decodeAction(event.actionId)?.name ?? 'unknown' } : {}),
    // The form's name only: its fields are what the person wrote.
    ...(event.type === 'submit' ? { form: decodeAction(event.formId)?.name ?? 'unknown' } : {}),
  };
}
