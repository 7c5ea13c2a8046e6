/** Operators' view of scheduling and delivery: /integrity status and /integrity schedule … (hr/admin). */
import type { RequestContext } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import { ephemeral } from '../../engine/reply.js';
import type { CommandRoute } from '../../engine/routes.js';
import { OPERATORS } from '../../engine/roles.js';
import { recordAudit } from '../people/people.repository.js';
import { allSchedules, scheduleByName, setPaused } from '../../scheduler/schedules.repository.js';
import { context, text } from '../../ui/card.js';
import { clockText, localClock } from '../../time.js';
import { SYSTEM_SCHEDULE_PREFIX } from '../../delivery/oneOff.js';
import { quietWindowOf } from '../../scheduler/quiet.js';

/** HH:MM in the organisation's time zone: operators read 09:00, not 00:00Z. */
function localTime(instant: Date, timeZone: string): string {
  const { hour, minute } = localClock(instant, timeZone);
  return clockText(hour * 60 + minute);
}
const RECENT_RUNS = 10;
const TOP_REASONS = 5;

async function recentRuns(ctx: RequestContext) {
  const runs = await ctx.db
    .selectFrom('job_runs')
    .innerJoin('schedules', 'schedules.id', 'job_runs.schedule_id')
    .select(['job_runs.id', 'job_runs.slot', 'job_runs.day', 'job_runs.status', 'job_runs.reason', 'job_runs.planned', 'job_runs.created_at', 'schedules.name'])
    .orderBy('job_runs.created_at', 'desc')
    .orderBy('job_runs.id', 'desc')
    .limit(RECENT_RUNS)
    .execute();
  const ids = runs.map((r) => r.id);
  const counts = ids.length
    ? await ctx.db
        .selectFrom('deliveries')
        .select(['job_run_id', 'status', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('job_run_id', 'in', ids)
        .groupBy(['job_run_id', 'status'])
        .execute()
    : [];
  const byRun = new Map<number, Record<string, number>>();
  for (const c of counts) byRun.set(c.job_run_id, { ...byRun.get(c.job_run_id), [c.status]: Number(c.n) });
  return runs.map((r) => ({ ...r, counts: byRun.get(r.id) ?? {} }));
}

const status: CommandRoute = {
  name: 'status',
  roles: OPERATORS,
  helpKey: 'help.status',
  async handle(ctx) {
    const { t } = ctx;
    const runs = await recentRuns(ctx);
    const lines = runs.map((r) => {
      const c = r.counts;
      const state =
        r.status === 'planned'
          ? t('status.run.counts', { planned: r.planned, sent: c['sent'] ?? 0, pending: (c['pending'] ?? 0) + (c['sending'] ?? 0), failed: c['failed'] ?? 0, skipped: c['skipped'] ?? 0 })
          : t(`status.run.${r.status as 'skipped' | 'missed'}`, { reason: r.reason ?? '' });
      // A schedule's run is at its slot; a one-off send (a campaign, a letter, welcomes) is keyed by what
      // it is ("campaign:1", which Date.parse would read as a date in 2001) and happened when it was made.
      const oneOff = r.name.startsWith(SYSTEM_SCHEDULE_PREFIX);
      const when = oneOff ? `${localTime(new Date(r.created_at), ctx.config.timezone)} (${r.slot})` : localTime(new Date(r.slot), ctx.config.timezone);
      return `- **${r.name}** ${r.day} ${when}: ${state}`;
    });
    const shown = runs.map((r) => r.id);
    const reasons = shown.length === 0 ? [] : await ctx.db
      .selectFrom('deliveries')
      .select(['error', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('status', '=', 'failed')
      .where('job_run_id', 'in', shown)
      .groupBy('error')
      .orderBy('n', 'desc')
      .limit(TOP_REASONS)
      .execute();
    const blocks = [text(lines.length > 0 ? lines.join('\n') : t('status.none'))];
    const uncovered = ctx.calendar.uncoveredSoon(ctx.today);
    if (uncovered) blocks.push(context(t('status.calendar_warning', { until: uncovered })));
    if (ctx.config.surveyQuiet.length > 0) {
      const windows = ctx.config.surveyQuiet.map((w) => `${w.from}~${w.to}`).join(', ');
      blocks.push(context(t(quietWindowOf(ctx.today, ctx.config.surveyQuiet) ? 'pulse.status.quiet_now' : 'pulse.status.quiet', { windows })));
    }
    if (reasons.length > 0) blocks.push(context(t('status.failures', { reasons: reasons.map((r) => `${r.error ?? '?'} ${Number(r.n)}`).join(', ') })));
    return ephemeral({ text: t('status.title'), card: { title: t('status.title'), blocks } });
  },
};

const schedule: CommandRoute = {
  name: 'schedule',
  roles: OPERATORS,
  helpKey: 'help.schedule',
  async handle(ctx, args) {
    const { t } = ctx;
    const [action, name] = args;
    if (action === 'list' || action === undefined) {
      const lines = (await allSchedules(ctx.db)).filter((s) => !s.name.startsWith(SYSTEM_SCHEDULE_PREFIX)).map((s) => {
        const state = !s.enabled ? t('schedule.state.disabled') : s.paused ? t('schedule.state.paused') : t('schedule.state.active');
        return `- **${s.name}** (${s.kind}) \`${s.cron}\` ${s.timezone} · ${state}`;
      });
      return ephemeral({ text: t('schedule.title'), card: { title: t('schedule.title'), blocks: [text(lines.length > 0 ? lines.join('\n') : t('schedule.none'))] } });
    }
    if ((action !== 'pause' && action !== 'resume') || name === undefined || args.length !== 2) throw new UserError('schedule.error.usage');
    const found = await scheduleByName(ctx.db, name);
    if (!found || found.name.startsWith(SYSTEM_SCHEDULE_PREFIX)) throw new UserError('schedule.error.unknown', { name });
    const pausing = action === 'pause';
    if (found.paused !== pausing) {
      await setPaused(ctx.db, found.id, pausing, ctx.nowIso);
      await recordAudit(ctx.db, { actorMemberId: ctx.member.id, actorLabel: ctx.member.name, action: `schedule.${action}`, details: { schedule: name }, nowIso: ctx.nowIso });
    }
    return ephemeral({ text: t(pausing ? 'schedule.paused' : 'schedule.resumed', { name }) });
  },
};

export const statusRoutes = { commands: [status, schedule], actions: [] };
