/**
 * The core's composition: every feature's routes behind one engine. Adapters get the engine from
 * src/main.ts and never reach past it.
 */
import type { Services } from './engine/context.js';
import { Engine } from './engine/engine.js';
import { ephemeral } from './engine/reply.js';
import { EVERYONE, type CommandRoute, type Routes } from './engine/routes.js';
import { hasAnyRole, roleNames } from './engine/roles.js';
import { homeEvents } from './features/home/home.handlers.js';
import { peopleRoutes } from './features/people/people.handlers.js';
import { composeNudge, planNudge } from './features/nudges/nudges.delivery.js';
import { composeQuiz, planQuiz } from './features/quiz/quiz.delivery.js';
import { quizRoutes } from './features/quiz/quiz.handlers.js';
import { statusRoutes } from './features/status/status.handlers.js';
import { pledgeRoutes } from './features/pledges/pledges.handlers.js';
import { composePledge, composePledgeReminder, planPledgeReminder } from './features/pledges/pledges.delivery.js';
import { announcementRoutes } from './features/announcements/announcements.handlers.js';
import { statsRoutes } from './features/stats/stats.handlers.js';
import { composeAnnouncement, composeAnnouncementReminder } from './features/announcements/announcements.delivery.js';
import { pulseRoutes } from './features/pulse/pulse.handlers.js';
import { dashboardRoutes } from './features/dashboard/dashboard.handlers.js';
import { composePulse, composePulseReminder, planPulseReminder } from './features/pulse/pulse.delivery.js';
import { trainingRoutes } from './features/training/training.handlers.js';
import { composeTrainingReminder, planTrainingReminder } from './features/training/training.delivery.js';
import { planRoutes } from './features/plan/plan.handlers.js';
import { composePlanCheckin, planPlanCheckin } from './features/plan/plan.delivery.js';
import type { Composer } from './delivery/dispatcher.js';
import type { Planner } from './scheduler/scheduler.js';
import { context, text } from './ui/card.js';

export function createEngine(services: Services): Engine {
  const help: CommandRoute = {
    name: 'help',
    roles: EVERYONE,
    helpKey: 'help.help',
    async handle(ctx) {
      // Only what this member's roles may run: the command's own line, then its officers' subcommands.
      const lines = engine.commandsFor(ctx).flatMap((route) => [
        ...(hasAnyRole(ctx.roles, route.helpRoles ?? route.roles) ? [route.helpKey] : []),
        ...(route.subcommandHelp ?? []).filter((sub) => hasAnyRole(ctx.roles, sub.roles)).map((sub) => sub.key),
      ]).map((key) => `- ${ctx.t(key, roleNames(ctx.t))}`);
      return ephemeral({
        text: ctx.t('help.title'),
        card: { title: ctx.t('help.title'), blocks: [text(lines.join('\n')), context(ctx.t('help.footer'))] },
      });
    },
  };
  const routes: Routes = {
    commands: [...quizRoutes.commands, ...pledgeRoutes.commands, ...announcementRoutes.commands, ...statsRoutes.commands, ...pulseRoutes.commands, ...trainingRoutes.commands, ...planRoutes.commands, ...dashboardRoutes.commands, ...peopleRoutes.commands, ...statusRoutes.commands, help],
    actions: [...quizRoutes.actions, ...pledgeRoutes.actions, ...announcementRoutes.actions, ...peopleRoutes.actions, ...statusRoutes.actions, ...pulseRoutes.actions, ...planRoutes.actions],
    forms: [...announcementRoutes.forms, ...pulseRoutes.forms, ...planRoutes.forms],
    events: homeEvents,
  };
  const engine = new Engine(services, routes);
  return engine;
}

/** What each kind of schedule plans when its slot fires (kinds not listed are recorded as not available yet). */
export const planners: Readonly<Record<string, Planner>> = { quiz: planQuiz, nudge: planNudge, pledge_reminder: planPledgeReminder, pulse_reminder: planPulseReminder, training_reminder: planTrainingReminder, plan_checkin: planPlanCheckin };

/** How each kind of delivery is written for its recipient. */
export const composers: Readonly<Record<string, Composer>> = {
  quiz: composeQuiz,
  nudge: composeNudge,
  pledge: composePledge,
  pledge_reminder: composePledgeReminder,
  announcement: composeAnnouncement,
  announcement_reminder: composeAnnouncementReminder,
  pulse: composePulse,
  pulse_reminder: composePulseReminder,
  training_reminder: composeTrainingReminder,
  plan_checkin: composePlanCheckin,
};
