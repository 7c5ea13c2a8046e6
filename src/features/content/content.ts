/**
 * Content packs: the model and its validation (pure). A pack is a directory with a pack.yaml (its id,
 * topics and laws) and any number of YAML files holding `quiz`, `nudges`, `pledges`, `templates` and
 * `pulses` lists (pulses are read by src/features/pulse/pulse.ts). Every
 * text exists in Korean and English; every quiz item and nudge names its legal basis.
 */
import type { MessageKey, Params } from '../../i18n/index.js';
import { LOCALES, type Locale, type Localized } from '../../i18n/locales.js';
import type { PulseItem } from '../pulse/pulse.js';

/** Choices become buttons: Slack cuts button text at 75, Discord labels at 80. */
export const CHOICE_TEXT_MAX = 70;
export const QUESTION_TEXT_MAX = 300;
export const EXPLANATION_TEXT_MAX = 600;
export const NUDGE_TEXT_MAX = 500;
export const PLEDGE_TEXT_MAX = 2_800;
export const TITLE_TEXT_MAX = 100;
export const MIN_CHOICES = 3;
/** Discord puts at most 5 buttons in a row; one row per question keeps it readable everywhere. */
export const MAX_CHOICES = 5;
export const SEASONS = ['gift-season', 'year-end', 'personnel-season'] as const;
export type Season = (typeof SEASONS)[number];
export const PLEDGE_AUDIENCES = ['all', 'leaders'] as const;
export type PledgeAudience = (typeof PLEDGE_AUDIENCES)[number];
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

export interface LegalBasis {
  law: string;
  article: Localized;
  /** The article number awaits re-checking against the official text; `content check` lists it. */
  verify: boolean;
}

interface ItemOrigin {
  pack: string;
  file: string;
  slug: string;
}

export type QuizKind = 'choice' | 'ox';

export interface QuizItem extends ItemOrigin {
  topic: string;
  type: QuizKind;
  difficulty: 1 | 2 | 3;
  question: Localized;
  /** Empty for ox items: their choices are always O and X. */
  choices: Localized[];
  /** 0-based; for ox items O = 0 and X = 1. */
  answer: number;
  explanation: Localized;
  basis: LegalBasis[];
}

export interface NudgeItem extends ItemOrigin {
  topic: string;
  seasons: Season[];
  text: Localized;
  basis: LegalBasis[];
}

export interface PledgeItem extends ItemOrigin {
  audience: PledgeAudience;
  title: Localized;
  text: Localized;
}

/** A leadership-message template: title and text with {placeholders} filled in when it is started. */
export interface TemplateItem extends ItemOrigin {
  title: Localized;
  text: Localized;
}

/** Placeholders a template may use; anything else in braces is a content error. */
export const TEMPLATE_PLACEHOLDERS = ['holiday', 'holiday_date', 'period_from', 'period_to', 'organisation'] as const;

export interface PackInfo {
  id: string;
  dir: string;
  name: Localized;
  topics: Record<string, Localized>;
  laws: Record<string, Localized>;
}

export interface ContentCatalog {
  packs: PackInfo[];
  quiz: QuizItem[];
  nudges: NudgeItem[];
  pledges: PledgeItem[];
  templates: TemplateItem[];
  pulses: PulseItem[];
  topics: Record<string, Localized>;
  laws: Record<string, Localized>;
}

export interface ContentProblem {
  file: string;
  /** The item's slug, or its position ("#3") when it has no usable slug. */
  item?: string;
  field?: string;
  code: MessageKey;
  params?: Params;
}

/** Collects problems while reading one file; every reader below reports through it. */
export class ProblemSink {
  constructor(
    readonly file: string,
    readonly errors: ContentProblem[] = [],
    readonly warnings: ContentProblem[] = [],
    private readonly item?: string,
  ) {}
  /** A sink for one item of the same file, reporting into the same lists. */
  forItem(item: string): ProblemSink {
    return new ProblemSink(this.file, this.errors, this.warnings, item);
  }
  error(field: string | undefined, code: MessageKey, params?: Params): void {
    this.errors.push(this.problem(field, code, params));
  }
  warn(field: string | undefined, code: MessageKey, params?: Params): void {
    this.warnings.push(this.problem(field, code, params));
  }
  private problem(field: string | undefined, code: MessageKey, params?: Params): ContentProblem {
    return {
      file: this.file,
      ...(this.item !== undefined ? { item: this.item } : {}),
      ...(field !== undefined ? { field } : {}),
      code,
      ...(params ? { params } : {}),
    };
  }
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readLocalized(raw: Raw, field: string, max: number, sink: ProblemSink): Localized | undefined {
  const value = raw[field];
  if (value === undefined || value === null) {
    sink.error(field, 'content.error.missing');
    return undefined;
  }
  if (!isObject(value)) {
    sink.error(field, 'content.error.not_localized');
    return undefined;
  }
  const out: Partial<Record<Locale, string>> = {};
  for (const locale of LOCALES) {
    const text = value[locale];
    if (typeof text !== 'string' || text.trim() === '') {
      sink.error(`${field}.${locale}`, 'content.error.missing');
    } else if ([...text.trim()].length > max) {
      sink.error(`${field}.${locale}`, 'content.error.too_long', { max, length: [...text.trim()].length });
    } else {
      out[locale] = text.trim();
    }
  }
  return LOCALES.every((l) => out[l] !== undefined) ? (out as Localized) : undefined;
}

function readBasis(raw: Raw, sink: ProblemSink, allowEmpty: boolean): LegalBasis[] | undefined {
  const value = raw['basis'];
  if (!Array.isArray(value) || (value.length === 0 && !allowEmpty)) {
    sink.error('basis', 'content.error.basis_missing');
    return undefined;
  }
  const basis: LegalBasis[] = [];
  value.forEach((entry, i) => {
    const field = `basis[${i + 1}]`;
    if (!isObject(entry) || typeof entry['law'] !== 'string') {
      sink.error(`${field}.law`, 'content.error.missing');
      return;
    }
    const article = readLocalized(entry, 'article', TITLE_TEXT_MAX, sink);
    if (article) basis.push({ law: entry['law'], article, verify: entry['verify'] === true });
  });
  return basis.length === value.length ? basis : undefined;
}

function readSlug(raw: Raw, index: number, sink: ProblemSink): string | undefined {
  const slug = raw['slug'];
  if (typeof slug !== 'string' || !SLUG_PATTERN.test(slug)) {
    sink.forItem(`#${index + 1}`).error('slug', 'content.error.bad_slug');
    return undefined;
  }
  return slug;
}

function readTopic(raw: Raw, sink: ProblemSink): string | undefined {
  const topic = raw['topic'];
  if (typeof topic !== 'string' || topic === '') {
    sink.error('topic', 'content.error.missing');
    return undefined;
  }
  return topic;
}

/** Every item starts alike: it must be a mapping, and its problems are reported under its slug (or position). */
export function beginItem(input: unknown, index: number, sink: ProblemSink): { raw: Raw; slug: string | undefined; item: ProblemSink } | undefined {
  if (!isObject(input)) {
    sink.forItem(`#${index + 1}`).error(undefined, 'content.error.not_an_item');
    return undefined;
  }
  const slug = readSlug(input, index, sink);
  return { raw: input, slug, item: sink.forItem(slug ?? `#${index + 1}`) };
}

export function readQuizItem(input: unknown, index: number, pack: string, file: string, sink: ProblemSink): QuizItem | undefined {
  const start = beginItem(input, index, sink);
  if (!start) return undefined;
  const { raw, slug, item } = start;
  const topic = readTopic(raw, item);
  const type = raw['type'];
  if (type !== 'choice' && type !== 'ox') item.error('type', 'content.error.bad_type');
  const difficulty = raw['difficulty'];
  if (difficulty !== 1 && difficulty !== 2 && difficulty !== 3) item.error('difficulty', 'content.error.bad_difficulty');
  const question = readLocalized(raw, 'question', QUESTION_TEXT_MAX, item);
  const explanation = readLocalized(raw, 'explanation', EXPLANATION_TEXT_MAX, item);
  const basis = readBasis(raw, item, false);

  let choices: Localized[] | undefined;
  let answer: number | undefined;
  if (type === 'choice') {
    const rawChoices = raw['choices'];
    if (!Array.isArray(rawChoices) || rawChoices.length < MIN_CHOICES || rawChoices.length > MAX_CHOICES) {
      item.error('choices', 'content.error.choice_count', {
        min: MIN_CHOICES,
        max: MAX_CHOICES,
        count: Array.isArray(rawChoices) ? rawChoices.length : 0,
      });
    } else {
      const read = rawChoices.map((c, i) =>
        isObject(c) ? readLocalized({ [`choices[${i + 1}]`]: c }, `choices[${i + 1}]`, CHOICE_TEXT_MAX, item) : undefined,
      );
      rawChoices.forEach((c, i) => {
        if (!isObject(c)) item.error(`choices[${i + 1}]`, 'content.error.not_localized');
      });
      if (read.every((c) => c !== undefined)) choices = read as Localized[];
    }
    const rawAnswer = raw['answer'];
    if (rawAnswer === undefined || rawAnswer === null) {
      item.error('answer', 'content.error.missing');
    } else if (!Number.isInteger(rawAnswer) || (rawAnswer as number) < 1 || (Array.isArray(rawChoices) && (rawAnswer as number) > rawChoices.length)) {
      item.error('answer', 'content.error.bad_answer_index', { count: Array.isArray(rawChoices) ? rawChoices.length : 0 });
    } else {
      answer = (rawAnswer as number) - 1;
    }
  } else if (type === 'ox') {
    if (raw['choices'] !== undefined) item.error('choices', 'content.error.ox_has_choices');
    choices = [];
    const rawAnswer = raw['answer'];
    if (rawAnswer === undefined || rawAnswer === null) item.error('answer', 'content.error.missing');
    else if (rawAnswer === 'O' || rawAnswer === true) answer = 0;
    else if (rawAnswer === 'X' || rawAnswer === false) answer = 1;
    else item.error('answer', 'content.error.bad_ox_answer');
  }

  if (!slug || !topic || !question || !explanation || !basis || !choices || answer === undefined) return undefined;
  if (type !== 'choice' && type !== 'ox') return undefined;
  if (difficulty !== 1 && difficulty !== 2 && difficulty !== 3) return undefined;
  return { pack, file, slug, topic, type, difficulty, question, choices, answer, explanation, basis };
}

export function readNudgeItem(input: unknown, index: number, pack: string, file: string, sink: ProblemSink): NudgeItem | undefined {
  const start = beginItem(input, index, sink);
  if (!start) return undefined;
  const { raw, slug, item } = start;
  const topic = readTopic(raw, item);
  const text = readLocalized(raw, 'text', NUDGE_TEXT_MAX, item);
  const basis = readBasis(raw, item, true);
  const rawSeasons = raw['seasons'] ?? [];
  const seasons: Season[] = [];
  if (!Array.isArray(rawSeasons)) item.error('seasons', 'content.error.bad_season', { allowed: SEASONS.join(', ') });
  else
    for (const s of rawSeasons) {
      if ((SEASONS as readonly unknown[]).includes(s)) seasons.push(s as Season);
      else item.error('seasons', 'content.error.bad_season', { allowed: SEASONS.join(', ') });
    }
  if (!slug || !topic || !text || !basis) return undefined;
  return { pack, file, slug, topic, seasons, text, basis };
}

export function readPledgeItem(input: unknown, index: number, pack: string, file: string, sink: ProblemSink): PledgeItem | undefined {
  const start = beginItem(input, index, sink);
  if (!start) return undefined;
  const { raw, slug, item } = start;
  const audience = raw['audience'];
  if (!(PLEDGE_AUDIENCES as readonly unknown[]).includes(audience)) {
    item.error('audience', 'content.error.bad_audience', { allowed: PLEDGE_AUDIENCES.join(', ') });
  }
  // Nobody is held out of a pledge: the all-staff one is what new hires must sign (welcome.ts).
  if (raw['holdout'] !== undefined) item.error('holdout', audience === 'all' ? 'holdout.error.legally_required_pledge' : 'holdout.error.pledge_item');
  const title = readLocalized(raw, 'title', TITLE_TEXT_MAX, item);
  const text = readLocalized(raw, 'text', PLEDGE_TEXT_MAX, item);
  if (!slug || !title || !text || !(PLEDGE_AUDIENCES as readonly unknown[]).includes(audience)) return undefined;
  return { pack, file, slug, audience: audience as PledgeAudience, title, text };
}

export function readTemplateItem(input: unknown, index: number, pack: string, file: string, sink: ProblemSink): TemplateItem | undefined {
  const start = beginItem(input, index, sink);
  if (!start) return undefined;
  const { raw, slug, item } = start;
  const title = readLocalized(raw, 'title', TITLE_TEXT_MAX, item);
  const text = readLocalized(raw, 'text', PLEDGE_TEXT_MAX, item);
  for (const [field, value] of [['title', title], ['text', text]] as const) {
    for (const locale of LOCALES) {
      for (const match of value?.[locale].matchAll(/\{([^{}]*)\}/g) ?? []) {
        if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(match[1]!)) {
          item.error(`${field}.${locale}`, 'content.error.bad_placeholder', { name: match[1]!, allowed: TEMPLATE_PLACEHOLDERS.join(', ') });
        }
      }
    }
  }
  if (!slug || !title || !text) return undefined;
  return { pack, file, slug, title, text };
}

/** Checks references across the whole catalogue: topics and laws exist, slugs are unique per pack. */
export function checkReferences(catalog: ContentCatalog, errors: ContentProblem[], warnings: ContentProblem[]): void {
  const seen = new Map<string, string>();
  const unique = (kind: string, item: ItemOrigin) => {
    const key = `${kind}:${item.pack}:${item.slug}`;
    const first = seen.get(key);
    if (first !== undefined) errors.push({ file: item.file, item: item.slug, code: 'content.error.duplicate_slug', params: { other: first } });
    else seen.set(key, item.file);
  };
  const basisChecks = (item: ItemOrigin & { topic: string; basis: LegalBasis[] }) => {
    if (!(item.topic in catalog.topics)) errors.push({ file: item.file, item: item.slug, field: 'topic', code: 'content.error.unknown_topic', params: { topic: item.topic } });
    item.basis.forEach((b, i) => {
      if (!(b.law in catalog.laws)) errors.push({ file: item.file, item: item.slug, field: `basis[${i + 1}].law`, code: 'content.error.unknown_law', params: { law: b.law } });
      if (b.verify) warnings.push({ file: item.file, item: item.slug, field: `basis[${i + 1}]`, code: 'content.warning.verify_article', params: { law: catalog.laws[b.law]?.ko ?? b.law, article: b.article.ko } });
    });
  };
  for (const q of catalog.quiz) {
    unique('quiz', q);
    basisChecks(q);
  }
  for (const n of catalog.nudges) {
    unique('nudge', n);
    basisChecks(n);
  }
  for (const p of catalog.pledges) unique('pledge', p);
  for (const p of catalog.templates) unique('template', p);
  for (const p of catalog.pulses) unique('pulse', p);
}

export function localize(text: Localized, locale: Locale): string {
  return text[locale];
}
