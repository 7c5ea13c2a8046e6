/**
 * /integrity dashboard — a one-time sign-in link to the web dashboard, for managers, hr and admin,
 * ephemerally (printed on a line of its own in the console). The link works once, within ten minutes.
 */
import { ephemeral } from '../../engine/reply.js';
import type { CommandRoute } from '../../engine/routes.js';
import { context, text } from '../../ui/card.js';
import { issueSignInLink } from './dashboard.repository.js';
import { DASHBOARD_ROLES } from './web/data.js';

const dashboard: CommandRoute = {
  name: 'dashboard',
  roles: DASHBOARD_ROLES,
  helpKey: 'help.dashboard',
  async handle(ctx) {
    const url = await issueSignInLink(ctx, ctx.member);
    const title = ctx.t('dashboard.link.title');
    return ephemeral({
      text: `${ctx.t('dashboard.link.text')}\n${url}`,
      card: { title, blocks: [text(ctx.t('dashboard.link.text')), text(url), context(ctx.t('dashboard.link.note'))] },
    });
  },
};

export const dashboardRoutes = { commands: [dashboard], actions: [] };
