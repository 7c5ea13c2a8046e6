/**
 * The integrity plan (청렴 추진계획) as a file: strategies → core tasks → detailed tasks, each detailed
 * task owned by a department (and optionally a member), with a due date or quarterly milestones and
 * an indicator with a target, optionally linked to a figure Probity already measures. Items are listed
 * flat, each naming its parent, so the file reads like the plan's table; the tree is checked here
 * (unknown parent, duplicate id, cycle, depth), dates against the plan's year, owners against the roster
 * in `checkOwners`. Every problem names the item and the field.
 */
import { parseDocument } from 'yaml';
import { isDay } from '../../time.js';
import { LOCALES, type Localized } from '../../i18n/locales.js';
import { DEPARTMENT_SEPARATOR, parseDepartmentPath } from '../people/roster.js';

export const PLAN_LEVELS = ['strategy', 'core', 'task'] as const;
export type PlanLevel = (typeof PLAN_LEVELS)[number];
export const METRICS = ['quiz_participation', 'pledge_completion', 'letter_acknowledgement', 'pulse_response', 'training_completion'] as const;
export type PlanMetric = (typeof METRICS)[number];
export const STATUSES = ['on_track', 'at_risk', 'late', 'done'] as const;
export type PlanStatus = (typeof STATUSES)[number];

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/;
export const PLAN_TITLE_MAX = 120;
export const PLAN_TEXT_MAX = 200;

export interface Milestone {
  due: string;
  label: Localized;
  /** The progress (%) expected by the milestone's date, when the plan says; see `milestoneTargets`. */
  progress?: number;
}

export interface Indicator {
  name: Localized;
  target: number;
  /** "%", "건", or one per language ({ ko: 건, en: cases }). */
  unit: string | Localized;
  metric: PlanMetric | null;
}

/** A target with its unit in a language: "100%", "2건", "2 cases". */
export function targetText(indicator: Indicator, locale: (typeof LOCALES)[number]): string {
  const unit = typeof indicator.unit === 'string' ? indicator.unit : indicator.unit[locale];
  return /^[%\p{Script=Hangul}]/u.test(unit) || unit === '' ? `${indicator.target}${unit}` : `${indicator.target} ${unit}`;
}

export interface PlanNode {
  id: string;
  parent: string | null;
  level: PlanLevel;
  title: Localized;
  /** Detailed tasks only: a department path of the roster, an employee number. */
  owner: string | null;
  member: string | null;
  /** The last due date (a task's own, or its last milestone's). */
  due: string | null;
  milestones: Milestone[];
  indicator: Indicator | null;
}

export interface PlanFile {
  slug: string;
  year: number;
  title: Localized;
  nodes: PlanNode[];
}

export interface PlanProblem {
  /** The task id, "plan" for the file's own fields, or "#n" for an item without a usable id. */
  item: string;
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function localized(raw: unknown, item: string, field: string, max: number, problems: PlanProblem[]): Localized | undefined {
  if (!isObject(raw)) {
    problems.push({ item, field, code: 'plan.check.localized' });
    return undefined;
  }
  const out: Partial<Record<(typeof LOCALES)[number], string>> = {};
  for (const locale of LOCALES) {
    const value = raw[locale];
    if (typeof value !== 'string' || value.trim() === '') problems.push({ item, field: `${field}.${locale}`, code: 'plan.check.text_missing' });
    else if ([...value].length > max) problems.push({ item, field: `${field}.${locale}`, code: 'plan.check.text_long', params: { max } });
    else out[locale] = value.trim();
  }
  return Object.keys(out).length === LOCALES.length ? (out as Localized) : undefined;
}

const dueText = (raw: unknown): unknown => (raw instanceof Date ? raw.toISOString().slice(0, 10) : raw);

/**
 * The progress (%) each milestone (in date order) expects by its date: the one the plan gives, else
 * an even share (of four quarterly milestones: 25, 50, 75, 100).
 */
export function milestoneTargets(milestones: readonly Milestone[]): number[] {
  return milestones.map((m, i) => m.progress ?? Math.round(((i + 1) * 100) / milestones.length));
}

function dueDay(raw: unknown, item: string, field: string, year: number | undefined, problems: PlanProblem[]): string | undefined {
  const value = dueText(raw);
  if (typeof value !== 'string' || !isDay(value)) {
    problems.push({ item, field, code: 'plan.check.date', params: { value: String(value ?? '') } });
    return undefined;
  }
  if (year !== undefined && !value.startsWith(`${year}-`)) {
    problems.push({ item, field, code: 'plan.check.date_year', params: { value, year } });
    return undefined;
  }
  return value;
}

function readIndicator(raw: unknown, item: string, problems: PlanProblem[]): Indicator | null {
  if (raw === undefined) return null;
  if (!isObject(raw)) {
    problems.push({ item, field: 'indicator', code: 'plan.check.indicator' });
    return null;
  }
  const name = localized(raw['name'], item, 'indicator.name', PLAN_TEXT_MAX, problems);
  const target = raw['target'];
  if (typeof target !== 'number' || !Number.isFinite(target) || target < 0) problems.push({ item, field: 'indicator.target', code: 'plan.check.target', params: { value: String(target ?? '') } });
  const rawUnit = raw['unit'] ?? '%';
  let unit: string | Localized | undefined = typeof rawUnit === 'string' ? rawUnit.trim() : undefined;
  if (isObject(rawUnit)) {
    const before = problems.length;
    unit = localized(rawUnit, item, 'indicator.unit', 10, problems);
    if (problems.length > before) unit = undefined;
  } else if (unit === undefined || [...unit].length > 10) {
    problems.push({ item, field: 'indicator.unit', code: 'plan.check.unit' });
    unit = undefined;
  }
  const metric = raw['metric'] ?? null;
  if (metric !== null && !(METRICS as readonly unknown[]).includes(metric)) problems.push({ item, field: 'indicator.metric', code: 'plan.check.metric', params: { value: String(metric), allowed: METRICS.join(', ') } });
  else if (metric !== null && unit !== '%') problems.push({ item, field: 'indicator.unit', code: 'plan.check.metric_unit' });
  if (!name || typeof target !== 'number' || unit === undefined) return null;
  return { name, target, unit, metric: metric as PlanMetric | null };
}

/** Parses and checks the plan's shape (not its owners): the plan, or every problem found. */
export function parsePlan(source: string): { plan?: PlanFile; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const doc = parseDocument(source.replace(/^\uFEFF/, ''), { uniqueKeys: true });
  if (doc.errors.length > 0) return { problems: [{ item: 'plan', field: '-', code: 'plan.check.yaml', params: { line: doc.errors[0]!.linePos?.[0]?.line ?? 0 } }] };
  const raw = doc.toJS() as unknown;
  if (!isObject(raw)) return { problems: [{ item: 'plan', field: '-', code: 'plan.check.not_a_plan' }] };
  const slug = raw['id'];
  if (typeof slug !== 'string' || !SLUG_PATTERN.test(slug)) problems.push({ item: 'plan', field: 'id', code: 'plan.check.slug' });
  const year = raw['year'];
  const yearOk = typeof year === 'number' && Number.isInteger(year) && year >= 2000 && year <= 2100;
  if (!yearOk) problems.push({ item: 'plan', field: 'year', code: 'plan.check.year', params: { value: String(year ?? '') } });
  const title = localized(raw['title'], 'plan', 'title', PLAN_TITLE_MAX, problems);
  const items = raw['items'];
  if (!Array.isArray(items) || items.length === 0) {
    problems.push({ item: 'plan', field: 'items', code: 'plan.check.items' });
    return { problems };
  }

  const nodes: PlanNode[] = [];
  const seen = new Set<string>();
  items.forEach((entry: unknown, index) => {
    if (!isObject(entry)) {
      problems.push({ item: `#${index + 1}`, field: '-', code: 'plan.check.not_an_item' });
      return;
    }
    const rawId = entry['id'];
    const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : '';
    if (!ID_PATTERN.test(id)) {
      problems.push({ item: `#${index + 1}`, field: 'id', code: 'plan.check.id' });
      return;
    }
    if (seen.has(id)) {
      problems.push({ item: id, field: 'id', code: 'plan.check.duplicate', params: { position: index + 1 } });
      return;
    }
    seen.add(id);
    const before = problems.length;
    const parentRaw = entry['parent'] ?? null;
    const parent = parentRaw === null ? null : String(parentRaw);
    const nodeTitle = localized(entry['title'], id, 'title', PLAN_TITLE_MAX, problems);
    const ownerRaw = entry['owner'] ?? null;
    // Written as the roster writes it: "행정국 / 감사과" is 행정국/감사과.
    const owner = typeof ownerRaw === 'string' ? (parseDepartmentPath(ownerRaw)?.join(DEPARTMENT_SEPARATOR) ?? null) : null;
    if (ownerRaw !== null && owner === null) problems.push({ item: id, field: 'owner', code: 'plan.check.owner_text' });
    const memberRaw = entry['member'] ?? null;
    const member = memberRaw === null ? null : String(memberRaw).trim();
    const milestones: Milestone[] = [];
    if (entry['milestones'] !== undefined) {
      const list = entry['milestones'];
      if (!Array.isArray(list) || list.length === 0 || list.length > 4) problems.push({ item: id, field: 'milestones', code: 'plan.check.milestones' });
      else {
        const read: { milestone: Milestone; field: string }[] = [];
        list.forEach((m: unknown, i) => {
          const field = `milestones[${i + 1}]`;
          if (!isObject(m)) return problems.push({ item: id, field, code: 'plan.check.not_an_item' });
          const due = dueDay(m['due'], id, `${field}.due`, yearOk ? year : undefined, problems);
          const label = localized(m['label'], id, `${field}.label`, PLAN_TEXT_MAX, problems);
          const progress = m['progress'];
          const progressOk = progress === undefined || (typeof progress === 'number' && Number.isInteger(progress) && progress >= 0 && progress <= 100);
          if (!progressOk) problems.push({ item: id, field: `${field}.progress`, code: 'plan.check.milestone_progress', params: { value: String(progress) } });
          if (due && label && progressOk) read.push({ milestone: { due, label, ...(progress === undefined ? {} : { progress: progress as number }) }, field });
          return undefined;
        });
        // The progress expected by each milestone cannot go down from one date to the next.
        read.sort((a, b) => a.milestone.due.localeCompare(b.milestone.due));
        const targets = milestoneTargets(read.map((r) => r.milestone));
        read.forEach((r, i) => {
          if (i > 0 && targets[i]! < targets[i - 1]!) problems.push({ item: id, field: `${r.field}.progress`, code: 'plan.check.milestone_order', params: { value: targets[i]!, before: targets[i - 1]! } });
          milestones.push(r.milestone);
        });
      }
    }
    const due = entry['due'] === undefined ? undefined : dueDay(entry['due'], id, 'due', yearOk ? year : undefined, problems);
    const indicator = readIndicator(entry['indicator'], id, problems);
    if (problems.length > before || !nodeTitle) return;
    milestones.sort((a, b) => a.due.localeCompare(b.due));
    nodes.push({
      id,
      parent,
      level: 'task',
      title: nodeTitle,
      owner,
      member: member === '' ? null : member,
      due: due ?? milestones.at(-1)?.due ?? null,
      milestones,
      indicator,
    });
  });

  // The tree: every parent known, no cycle, three levels; owners and dates on the detailed tasks.
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const node of nodes) {
    if (node.parent !== null && !seen.has(node.parent)) {
      problems.push({ item: node.id, field: 'parent', code: 'plan.check.parent', params: { value: node.parent } });
      continue;
    }
    const chain = [node.id];
    let depth = 1;
    let loop: string | null = null;
    for (let at = node.parent; at !== null; at = byId.get(at)?.parent ?? null) {
      if (chain.includes(at)) {
        loop = at;
        break;
      }
      chain.push(at);
      depth++;
      if (!byId.has(at)) break;
    }
    if (loop !== null) {
      problems.push({ item: node.id, field: 'parent', code: 'plan.check.cycle', params: { chain: [...chain, loop].join(' → ') } });
      continue;
    }
    if (depth > PLAN_LEVELS.length) {
      problems.push({ item: node.id, field: 'parent', code: 'plan.check.depth', params: { max: PLAN_LEVELS.length } });
      continue;
    }
    node.level = PLAN_LEVELS[depth - 1]!;
  }
  if (problems.length === 0) {
    for (const node of nodes) {
      const children = nodes.filter((n) => n.parent === node.id);
      if (node.level !== 'task' && children.length === 0) problems.push({ item: node.id, field: 'parent', code: 'plan.check.no_children' });
      if (node.level !== 'task' && (node.owner !== null || node.member !== null || node.due !== null || node.indicator !== null)) problems.push({ item: node.id, field: 'owner', code: 'plan.check.task_fields_only' });
      if (node.level === 'task' && node.owner === null) problems.push({ item: node.id, field: 'owner', code: 'plan.check.owner_missing' });
      if (node.level === 'task' && node.due === null) problems.push({ item: node.id, field: 'due', code: 'plan.check.due_missing' });
    }
  }
  if (problems.length > 0 || !title || typeof slug !== 'string' || !yearOk) return { problems };
  return { plan: { slug, year, title, nodes }, problems };
}

/** Owners against the roster: every department path known, every named member on it and active. */
export function checkOwners(plan: PlanFile, departments: ReadonlySet<string>, members: ReadonlySet<string>): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const node of plan.nodes) {
    if (node.owner !== null && !departments.has(node.owner)) problems.push({ item: node.id, field: 'owner', code: 'plan.check.owner_unknown', params: { value: node.owner } });
    if (node.member !== null && !members.has(node.member)) problems.push({ item: node.id, field: 'member', code: 'plan.check.member_unknown', params: { value: node.member } });
  }
  return problems;
}

export const tasksOf = (plan: { nodes: readonly PlanNode[] }): PlanNode[] => plan.nodes.filter((n) => n.level === 'task');
export const childrenOf = (plan: { nodes: readonly PlanNode[] }, id: string | null): PlanNode[] => plan.nodes.filter((n) => n.parent === id);

/** The strategy a node belongs to. */
export function strategyOf(plan: { nodes: readonly PlanNode[] }, node: PlanNode): PlanNode {
  let at = node;
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  while (at.parent !== null) at = byId.get(at.parent)!;
  return at;
}

/** Check-ins are asked per calendar month: "2026-06". */
export const periodOf = (day: string): string => day.slice(0, 7);

export function isStatus(value: string | undefined): value is PlanStatus {
  return (STATUSES as readonly (string | undefined)[]).includes(value);
}

/** What a member typed as progress: a whole percentage 0–100 ("60", "60%"), or undefined. */
export function parseProgress(raw: string): number | undefined {
  const value = raw.normalize('NFKC').trim().replace(/\s*%$/, '');
  if (!/^\d{1,3}$/.test(value)) return undefined;
  const n = Number(value);
  return n <= 100 ? n : undefined;
}
