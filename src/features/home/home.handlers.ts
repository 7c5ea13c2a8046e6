/** The member's personal home (Slack's App Home tab): today's quiz, streak, and what their role can do. */
import type { RequestContext } from '../../engine/context.js';
import { ephemeral, none } from '../../engine/reply.js';
import { hasAnyRole } from '../../engine/roles.js';
import { buttons, context, divider, fields, text, type Message } from '../../ui/card.js';
import { encodeAction } from '../../ui/actionId.js';
import { computeStreak } from '../quiz/quiz.js';
import { participation } from '../quiz/quiz.repository.js';
import { START_ACTION } from '../quiz/quiz.cards.js';
import { offerWelcomePledge } from '../pledges/welcome.js';

const dayCount = (t: RequestContext['t'], days: number) => t(days === 1 ? 'me.day' : 'me.days', { days });

export async function homeCard(ctx: RequestContext): Promise<Message> {
  const { t, member } = ctx;
  const { days } = await participation(ctx.db, member.id);
  const answeredToday = days.has(ctx.today);
  const blocks = [
    fields([
      { label: t('me.streak'), value: dayCount(t, computeStreak(days, ctx.today, ctx.calendar)) },
      { label: t('me.total'), value: dayCount(t, days.size) },
    ]),
    context(answeredToday ? t('me.today_done') : t('me.today_open')),
  ];
  if (!answeredToday) blocks.push(buttons([{ actionId: encodeAction(START_ACTION), label: t('quiz.channel.button'), style: 'primary' }]));
  if (hasAnyRole(ctx.roles, ['hr', 'admin'])) {
    const commands = [t('help.stats'), t('help.export'), t('help.report'), t('help.pledge'), t('help.announce'), t('help.status'), t('help.schedule')];
    blocks.push(divider(), text(`**${t('home.operators')}**\n${commands.map((c) => `- ${c}`).join('\n')}`));
  } else if (hasAnyRole(ctx.roles, ['manager'])) {
    blocks.push(divider(), text(`**${t('home.operators')}**\n- ${t('help.stats')}\n- ${t('help.announce')}`));
  }
  blocks.push(context(t('me.private')));
  return { text: t('home.title', { name: member.name }), card: { title: t('home.title', { name: member.name }), blocks } };
}

export const homeEvents = {
  app_home_opened: async (ctx: RequestContext) => ephemeral(await homeCard(ctx)),
  // First contact already enrolled or linked the person; a new member gets the all-staff pledge.
  member_joined: async (ctx: RequestContext) => {
    await offerWelcomePledge(ctx.db, ctx.config, [ctx.member.id], new Date(ctx.nowIso));
    return none();
  },
};
