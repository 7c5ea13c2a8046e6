/**
 * The integrity perception pulse: its content model and the pure rules of answering and counting it.
 * A pulse is a short questionnaire (4–8 items, each on a 5-point scale or yes/no) on the themes staff
 * surveys of public integrity ask about; staff answer it anonymously, and figures are published only
 * for groups of at least the minimum size of respondents.
 */
import type { Localized } from '../../i18n/locales.js';
import { FORM_LABEL_MAX, FORM_MAX_FIELDS } from '../../ui/form.js';
import { beginItem, readLocalized, TITLE_TEXT_MAX, type ProblemSink } from '../content/content.js';

export const PULSE_MIN_ITEMS = 4;
export const PULSE_MAX_ITEMS = 8;
export const PULSE_KINDS = ['scale', 'yesno'] as const;
export type PulseKind = (typeof PULSE_KINDS)[number];
/** The 5-point scale runs from 1 (strongly disagree) to 5 (strongly agree). */
export const SCALE_MIN = 1;
export const SCALE_MAX = 5;
/** Yes and no as stored: the share of yes is then the mean. */
export const YES = 1;
export const NO = 0;
/** A form label is "n. label": the number and its separator take up to four characters. */
export const PULSE_LABEL_MAX = FORM_LABEL_MAX - 4;
export const PULSE_TEXT_MAX = 200;
export const PULSE_INTRO_MAX = 600;

export interface PulseQuestion {
  kind: PulseKind;
  /** Short enough for a form field's label (Discord: 45 characters). */
  label: Localized;
  /** The full statement, shown on the card before the form opens. */
  text: Localized;
}

export interface PulseItem {
  pack: string;
  file: string;
  slug: string;
  title: Localized;
  intro: Localized;
  items: PulseQuestion[];
}

type Raw = Record<string, unknown>;

export function readPulseItem(input: unknown, index: number, pack: string, file: string, sink: ProblemSink): PulseItem | undefined {
  const start = beginItem(input, index, sink);
  if (!start) return undefined;
  const { raw, slug, item } = start;
  const title = readLocalized(raw, 'title', TITLE_TEXT_MAX, item);
  const intro = readLocalized(raw, 'intro', PULSE_INTRO_MAX, item);
  const rawItems = raw['items'];
  const items: PulseQuestion[] = [];
  let itemsOk = true;
  if (!Array.isArray(rawItems) || rawItems.length < PULSE_MIN_ITEMS || rawItems.length > PULSE_MAX_ITEMS) {
    item.error('items', 'pulse.content.item_count', { count: Array.isArray(rawItems) ? rawItems.length : 0, min: PULSE_MIN_ITEMS, max: PULSE_MAX_ITEMS });
    itemsOk = false;
  } else {
    rawItems.forEach((entry: unknown, i) => {
      const field = `items[${i + 1}]`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        item.error(field, 'content.error.not_an_item');
        itemsOk = false;
        return;
      }
      const rawItem = entry as Raw;
      const kind = rawItem['kind'];
      if (!(PULSE_KINDS as readonly unknown[]).includes(kind)) {
        item.error(`${field}.kind`, 'pulse.content.bad_kind', { allowed: PULSE_KINDS.join(', ') });
        itemsOk = false;
      }
      // Problems name the item's position: "items[3].label.en".
      const label = readLocalized({ [`${field}.label`]: rawItem['label'] }, `${field}.label`, PULSE_LABEL_MAX, item);
      const text = readLocalized({ [`${field}.text`]: rawItem['text'] }, `${field}.text`, PULSE_TEXT_MAX, item);
      if (!label || !text || !(PULSE_KINDS as readonly unknown[]).includes(kind)) {
        itemsOk = false;
        return;
      }
      items.push({ kind: kind as PulseKind, label, text });
    });
  }
  if (!slug || !title || !intro || !itemsOk) return undefined;
  // A Discord modal can be opened only as the first answer to a command, not from a button or after
  // another modal: the second page of a longer pulse cannot be reached there.
  if (items.length > FORM_MAX_FIELDS) item.warn('items', 'pulse.content.paged', { max: FORM_MAX_FIELDS });
  return { pack, file, slug, title, intro, items };
}

/** What a member typed into one field, read as an answer; undefined when it is none. */
export function parseAnswer(kind: PulseKind, raw: string): number | undefined {
  const value = raw.normalize('NFKC').trim().toLowerCase();
  if (kind === 'scale') {
    if (!/^\d$/.test(value)) return undefined;
    const n = Number(value);
    return n >= SCALE_MIN && n <= SCALE_MAX ? n : undefined;
  }
  if (YES_WORDS.has(value)) return YES;
  if (NO_WORDS.has(value)) return NO;
  return undefined;
}
const YES_WORDS = new Set(['예', '네', '응', 'y', 'yes', 'o']);
const NO_WORDS = new Set(['아니오', '아니요', '아니', 'n', 'no', 'x']);

/** Whether a stored value is one this kind of item can have (earlier pages come back through the platform). */
export function validValue(kind: PulseKind, value: number): boolean {
  return kind === 'scale' ? Number.isInteger(value) && value >= SCALE_MIN && value <= SCALE_MAX : value === YES || value === NO;
}

/** The items of each page of the form: a form holds at most FORM_MAX_FIELDS fields. */
export function pageCount(items: readonly PulseQuestion[]): number {
  return Math.max(1, Math.ceil(items.length / FORM_MAX_FIELDS));
}
export function pageItems(items: readonly PulseQuestion[], page: number): { index: number; question: PulseQuestion }[] {
  return items.map((question, index) => ({ index, question })).slice(page * FORM_MAX_FIELDS, (page + 1) * FORM_MAX_FIELDS);
}

/** Earlier pages' answers travel with the next page as one digit per item ("4521"); no server state. */
export function encodeAnswers(values: readonly number[]): string {
  return values.join('');
}
export function decodeAnswers(encoded: string, items: readonly PulseQuestion[]): number[] | undefined {
  if (!/^\d*$/.test(encoded) || encoded.length > items.length) return undefined;
  const values = [...encoded].map(Number);
  return values.every((v, i) => validValue(items[i]!.kind, v)) ? values : undefined;
}

export interface DepartmentNode {
  id: number;
  parentId: number | null;
}

/**
 * Where each department's answers are kept: the nearest department up the tree (itself included)
 * whose whole subtree has at least `minGroupSize` of the counted people, or null (the organisation as
 * a whole) when none has. `counts` are people per department (direct members, not the subtree).
 */
export function coarsenDepartments(nodes: readonly DepartmentNode[], counts: ReadonlyMap<number, number>, minGroupSize: number): Map<number, number | null> {
  const parent = new Map(nodes.map((n) => [n.id, n.parentId]));
  const subtree = new Map<number, number>();
  for (const [id, count] of counts) {
    // Each department's count is added to itself and every ancestor; a cycle-safe walk up the tree.
    const seen = new Set<number>();
    for (let at: number | null | undefined = id; at !== null && at !== undefined && !seen.has(at); at = parent.get(at)) {
      seen.add(at);
      subtree.set(at, (subtree.get(at) ?? 0) + count);
    }
  }
  const result = new Map<number, number | null>();
  for (const node of nodes) {
    let target: number | null = null;
    const seen = new Set<number>();
    for (let at: number | null | undefined = node.id; at !== null && at !== undefined && !seen.has(at); at = parent.get(at)) {
      seen.add(at);
      if ((subtree.get(at) ?? 0) >= minGroupSize) {
        target = at;
        break;
      }
    }
    result.set(node.id, target);
  }
  return result;
}

/** Fisher–Yates with a supplied source of randomness (crypto in production, seeded in tests). */
export function shuffle<T>(values: readonly T[], random: () => number): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface ItemSummary {
  /** How many gave each value: 1..5 for a scale, [no, yes] for yes/no. */
  distribution: number[];
  count: number;
  /** The mean on the scale, or the share of yes; null with no answers. */
  mean: number | null;
}

export function summarise(kind: PulseKind, values: readonly number[]): ItemSummary {
  const distribution = kind === 'scale' ? Array.from({ length: SCALE_MAX - SCALE_MIN + 1 }, () => 0) : [0, 0];
  let sum = 0;
  for (const v of values) {
    distribution[kind === 'scale' ? v - SCALE_MIN : v]! += 1;
    sum += v;
  }
  return { distribution, count: values.length, mean: values.length > 0 ? sum / values.length : null };
}

