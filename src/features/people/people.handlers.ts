import type { RequestContext } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import { ephemeral } from '../../engine/reply.js';
import { EVERYONE, type CommandRoute } from '../../engine/routes.js';
import { translator } from '../../i18n/index.js';
import { isLocale, LOCALES } from '../../i18n/locales.js';
import { context, fields } from '../../ui/card.js';
import { departmentById, setDmOptIn, setPreferredLocale, UNASSIGNED_DEPARTMENT } from './people.repository.js';

export async function departmentLabel(ctx: RequestContext, departmentId: number): Promise<string> {
  const department = await departmentById(ctx.db, departmentId);
  if (!department || department.path === UNASSIGNED_DEPARTMENT) return ctx.t('department.unassigned');
  return department.path;
}

/** How many of the given members have done something (signed, acknowledged), by department, by name. */
export async function completionByDepartment(
  ctx: RequestContext,
  members: readonly { id: number; department_id: number }[],
  done: ReadonlySet<number>,
): Promise<{ label: string; total: number; done: number }[]> {
  const rows = new Map<number, { label: string; total: number; done: number }>();
  for (const m of members) {
    let row = rows.get(m.department_id);
    if (!row) rows.set(m.department_id, (row = { label: await departmentLabel(ctx, m.department_id), total: 0, done: 0 }));
    row.total++;
    if (done.has(m.id)) row.done++;
  }
  return [...rows.values()].sort((a, b) => a.label.localeCompare(b.label, 'ko'));
}

const whoami: CommandRoute = {
  name: 'whoami',
  roles: EVERYONE,
  helpKey: 'help.whoami',
  async handle(ctx) {
    const { member, t } = ctx;
    const roles = ctx.roles.map((r) => t(`role.${r}`)).join(', ');
    return ephemeral({
      text: t('whoami.notification', { name: member.name }),
      card: {
        title: t('whoami.title', { name: member.name }),
        blocks: [
          fields([
            { label: t('whoami.employee_no'), value: member.employee_no ?? '–' },
            { label: t('whoami.department'), value: await departmentLabel(ctx, member.department_id) },
            { label: t('whoami.roles'), value: roles },
            { label: t('whoami.language'), value: t(`language.${ctx.locale}`) },
          ]),
          context(t('whoami.hint')),
        ],
      },
    });
  },
};

const lang: CommandRoute = {
  name: 'lang',
  roles: EVERYONE,
  helpKey: 'help.lang',
  async handle(ctx, args) {
    const wanted = args[0]?.toLowerCase();
    if (args.length !== 1 || !isLocale(wanted)) throw new UserError('lang.error.usage', { locales: LOCALES.join('|') });
    await setPreferredLocale(ctx.db, ctx.member.id, wanted, ctx.nowIso);
    const t = translator(wanted);
    return ephemeral({ text: t('lang.changed', { language: t(`language.${wanted}`) }) });
  },
};

/** DMs on platforms that send them only on request (Discord): the member's own choice, per account. */
const dm: CommandRoute = {
  name: 'dm',
  roles: EVERYONE,
  helpKey: 'help.dm',
  async handle(ctx, args) {
    const choice = args[0]?.toLowerCase();
    if (args.length !== 1 || (choice !== 'on' && choice !== 'off')) throw new UserError('dm.error.usage');
    const { actor } = ctx.event;
    await setDmOptIn(ctx.db, actor, choice === 'on');
    return ephemeral({ text: ctx.t(choice === 'on' ? 'dm.on' : 'dm.off') });
  },
};

export const peopleRoutes = { commands: [whoami, lang, dm], actions: [] };
