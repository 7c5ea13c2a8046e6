import type { Reply } from '../../engine/reply.js';
import { form } from '../../engine/reply.js';
import type { Translator } from '../../i18n/index.js';
import type { Locale } from '../../i18n/locales.js';
import { encodeAction } from '../../ui/actionId.js';
import { buttons, context, text, type Block, type Message } from '../../ui/card.js';
import { milestoneTargets, STATUSES, targetText, type PlanNode, type PlanStatus } from './plan.js';
import { byConcern, type MetricReading, type PlanProgress, type TaskProgress } from './plan.progress.js';
import type { Plan, PlanTask } from './plan.repository.js';

export const STATUS_ACTION = 'plan.status';
export const FORM_NAME = 'plan.checkin';
/** Tasks on one check-in card: four buttons each, within every platform's limit of rows. */
export const CARD_TASKS = 4;
/**
 * Text a view carries at most (UTF-16 units, as Discord counts): within Discord's 6,000 per message
 * with room for the title and footers, in blocks within Slack's 3,000 per section. The rest is left
 * to the report.
 */
const VIEW_BUDGET = 4_500;
const BLOCK_MAX = 2_500;
/** A note and an evidence reference as a card shows them; the report has them whole. */
const NOTE_SHOWN = 160;
const EVIDENCE_SHOWN = 120;
const MILESTONE_SHOWN = 40;
export const NOTE_MAX = 500;
export const EVIDENCE_MAX = 300;

const EMOJI: Record<PlanStatus | 'none', string> = { on_track: '🟢', at_risk: '🟠', late: '🔴', done: '✅', none: '⚪' };

export const statusLabel = (t: Translator, status: PlanStatus | null): string => t(`plan.status.${status ?? 'none'}`);

export function metricText(t: Translator, reading: MetricReading): string {
  const value = reading.value === null ? t('plan.metric.unknown') : `${reading.value.toFixed(1)}%`;
  return t(reading.below ? 'plan.metric.below' : 'plan.metric.value', { metric: t(`plan.metric.${reading.metric}`), value, target: `${reading.target}%` });
}

/** A milestone passed with less progress than it expects: why the task counts late. */
export function missedText(t: Translator, locale: Locale, p: TaskProgress, max = MILESTONE_SHOWN): string {
  return p.missed ? t('plan.milestone.missed', { day: p.missed.due, label: cut(p.missed.label[locale], max), target: p.missed.target, progress: p.progress }) : '';
}

function taskLine(t: Translator, locale: Locale, p: TaskProgress, withNotes: boolean): string {
  const node = p.task.node;
  const parts = [`${EMOJI[p.status ?? 'none']} **${node.id}** ${node.title[locale]} — ${statusLabel(t, p.status)} ${p.progress}%`];
  const facts = [p.task.departmentPath, t('plan.due', { day: node.due ?? '–' })];
  if (node.indicator) facts.push(`${node.indicator.name[locale]} ${targetText(node.indicator, locale)}`);
  parts.push(`   ${facts.join(' · ')}`);
  if (p.missed) parts.push(`   ${missedText(t, locale, p)}`);
  if (p.metric) parts.push(`   ${p.metric.below ? '⚠️ ' : ''}${metricText(t, p.metric)}`);
  if (withNotes && p.checkin) {
    parts.push(`   ${t('plan.checkin.line', { period: p.checkin.period, day: p.checkin.day })}${p.checkin.note ? `: ${cut(p.checkin.note.replace(/\s+/g, ' '), NOTE_SHOWN)}` : ''}`);
    if (p.checkin.evidence) parts.push(`   ${t('plan.evidence', { value: cut(p.checkin.evidence, EVIDENCE_SHOWN) })}`);
  }
  return parts.join('\n');
}

const cut = (value: string, max: number): string => ([...value].length > max ? `${[...value].slice(0, max - 1).join('')}…` : value);

/** Entries packed into text blocks until the budget is spent; how many did not fit. */
function budgeted(entries: readonly string[]): { blocks: Block[]; omitted: number } {
  const blocks: Block[] = [];
  let current = '';
  let spent = 0;
  let shown = 0;
  for (const entry of entries) {
    if (spent + entry.length + 1 > VIEW_BUDGET) break;
    if (current !== '' && current.length + entry.length + 1 > BLOCK_MAX) {
      blocks.push(text(current));
      current = '';
    }
    current = current === '' ? entry : `${current}\n${entry}`;
    spent += entry.length + 1;
    shown++;
  }
  if (current !== '') blocks.push(text(current));
  return { blocks, omitted: entries.length - shown };
}

const planTitle = (t: Translator, locale: Locale, plan: Plan): string => t('plan.title', { title: plan.body.title[locale], year: plan.year, version: plan.version });

/** The plan and its progress for everyone: the tree with status and progress, no notes. */
export function planCard(t: Translator, locale: Locale, progress: PlanProgress): Message {
  const lines: string[] = [];
  for (const strategy of progress.strategies) {
    lines.push(`**${strategy.node.id} ${strategy.node.title[locale]}** — ${strategy.progress}%`);
    for (const core of strategy.cores) {
      lines.push(`▸ ${core.node.id} ${core.node.title[locale]} — ${core.progress}%`);
      for (const p of core.tasks) lines.push(`   ${EMOJI[p.status ?? 'none']} ${p.task.key} ${p.task.node.title[locale]} · ${p.task.departmentPath} · ${statusLabel(t, p.status)} ${p.progress}%${p.metric?.below ? ' ⚠️' : ''}`);
    }
  }
  const { blocks, omitted } = budgeted(lines);
  if (omitted > 0) blocks.push(context(t('plan.view.more', { count: omitted })));
  blocks.push(context(t('plan.view.footer', { day: progress.day })));
  const title = planTitle(t, locale, progress.plan);
  return { text: title, card: { title: `🗂️ ${title}`, blocks } };
}

/** Tasks with their latest check-in and notes, at risk and late first. */
export function statusCard(t: Translator, locale: Locale, progress: PlanProgress, tasks: readonly TaskProgress[], scope: string | null): Message {
  const sorted = [...tasks].sort(byConcern);
  const counts = STATUSES.map((s) => `${statusLabel(t, s)} ${sorted.filter((p) => p.status === s).length}`).concat(`${statusLabel(t, null)} ${sorted.filter((p) => p.status === null).length}`);
  const shown = budgeted(sorted.map((p) => taskLine(t, locale, p, true)));
  const blocks: Block[] = [context(counts.join(' · ')), ...shown.blocks];
  if (sorted.length === 0) blocks.push(text(t('plan.status_view.none')));
  if (shown.omitted > 0) blocks.push(context(t('plan.status_view.more', { count: shown.omitted })));
  blocks.push(context(t('plan.status_view.footer', { day: progress.day })));
  const title = t('plan.status_view.title', { title: progress.plan.body.title[locale], scope: scope ?? t('plan.scope.all') });
  return { text: title, card: { title: `📋 ${title}`, blocks } };
}

export interface Owed {
  task: PlanTask;
  period: string;
}

function taskSummary(t: Translator, locale: Locale, node: PlanNode, path: string): string {
  const lines = [`**${node.id} ${node.title[locale]}**`, `${path} · ${t('plan.due', { day: node.due ?? '–' })}`];
  const targets = milestoneTargets(node.milestones);
  if (node.milestones.length > 0) lines.push(node.milestones.map((m, i) => `${m.due.slice(5)} ${cut(m.label[locale], MILESTONE_SHOWN)} (${targets[i]}%)`).join(' · '));
  if (node.indicator) lines.push(`${node.indicator.name[locale]}: ${targetText(node.indicator, locale)}`);
  return lines.join('\n');
}

/** The ask: each task owed this period with a button per status; the form then asks for the rest. */
export function checkinCard(t: Translator, locale: Locale, plan: Plan, owed: readonly Owed[], intro?: string): Message {
  const blocks: Block[] = [];
  if (intro) blocks.push(context(intro));
  blocks.push(text(t('plan.checkin.ask', { period: owed[0]?.period ?? '' })));
  for (const { task, period } of owed.slice(0, CARD_TASKS)) {
    blocks.push(text(taskSummary(t, locale, task.node, task.departmentPath)));
    blocks.push(buttons(STATUSES.map((status) => ({ actionId: encodeAction(STATUS_ACTION, [task.id, status, period]), label: statusLabel(t, status), style: status === 'done' ? 'primary' : 'default' }))));
  }
  const notes = [t('plan.checkin.command')];
  if (owed.length > CARD_TASKS) notes.unshift(t('plan.checkin.more', { count: owed.length - CARD_TASKS }));
  blocks.push(context(notes.join(' · ')));
  return { text: t('plan.checkin.notification', { title: plan.body.title[locale], count: owed.length }), card: { title: `🗂️ ${t('plan.checkin.title', { period: owed[0]?.period ?? '' })}`, blocks } };
}

/** The form for one task and status: progress, a short note, a link or reference to the evidence. */
export function checkinForm(t: Translator, locale: Locale, task: PlanTask, status: PlanStatus, period: string, forWhom: string | null): Reply {
  const value = {
    id: encodeAction(FORM_NAME, [task.id, status, period]),
    title: t('plan.form.title', { status: statusLabel(t, status) }),
    submitLabel: t('plan.form.submit'),
    fields: [
      { id: 'progress', label: t('plan.form.progress'), required: true, maxLength: 4, ...(status === 'done' ? { initial: '100' } : {}), placeholder: '0-100' },
      { id: 'note', label: t('plan.form.note'), required: false, multiline: true, maxLength: NOTE_MAX, placeholder: t('plan.form.note_hint') },
      { id: 'evidence', label: t('plan.form.evidence'), required: false, maxLength: EVIDENCE_MAX, placeholder: t('plan.form.evidence_hint') },
    ],
  };
  const intro = `${taskSummary(t, locale, task.node, task.departmentPath)}${forWhom ? `\n${t('plan.form.for_owner', { name: forWhom })}` : ''}`;
  // Where a button cannot open a form (Discord), the command does: in Korean with the Korean word it accepts.
  const unavailable = t('plan.form.unavailable', { task: task.key, status: locale === 'ko' ? statusLabel(t, status) : status });
  return form(value, { text: unavailable, card: { title: value.title, blocks: [text(intro), context(unavailable)] } });
}
