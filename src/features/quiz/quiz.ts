/**
 * The daily quiz's rules, pure: which question a member gets today, and their streak.
 *
 * Selection, in order:
 *  1. a question the member got wrong whose review is due (spaced repetition: the gap grows each time
 *     they get it right, and resets when they miss it again) — the most overdue first;
 *  2. a question they have never seen, weighted by topic (an organisation can focus on a topic);
 *  3. otherwise the question they have seen least recently.
 * Reviews come before new questions because relearning what one got wrong is the point of a daily
 * quiz; a review only comes due days after the miss, so new questions still fill most days.
 * Ties are broken by a random draw seeded with the member and the day, so a member asking twice on
 * one day sees the same question and two members on one day usually see different ones.
 */
import { addDays, daysBetween, type Day } from '../../time.js';
import type { WorkingDayCalendar } from '../../scheduler/calendar.js';

/** Days until a missed question comes back, by how many times in a row it has since been answered right. */
export const REVIEW_INTERVALS_DAYS = [2, 4, 8, 16, 32] as const;

export interface Candidate {
  id: number;
  /** Stable across versions: "pack/slug". */
  key: string;
  topic: string;
}

export interface PastAnswer {
  key: string;
  quizDay: Day;
  correct: boolean;
}

export interface QuestionHistory {
  lastDay: Day;
  /** In review after a miss; `level` counts right answers since. */
  inReview: boolean;
  level: number;
}

export function buildHistory(answers: readonly PastAnswer[]): Map<string, QuestionHistory> {
  const history = new Map<string, QuestionHistory>();
  const ordered = [...answers].sort((a, b) => a.quizDay.localeCompare(b.quizDay));
  for (const answer of ordered) {
    const prior = history.get(answer.key);
    if (!answer.correct) {
      history.set(answer.key, { lastDay: answer.quizDay, inReview: true, level: 0 });
    } else if (prior?.inReview) {
      const level = prior.level + 1;
      history.set(answer.key, { lastDay: answer.quizDay, inReview: level < REVIEW_INTERVALS_DAYS.length, level });
    } else {
      history.set(answer.key, { lastDay: answer.quizDay, inReview: false, level: 0 });
    }
  }
  return history;
}

/** How many days a review is overdue (≥ 0 means due), or null when the question is not in review. */
export function reviewOverdue(entry: QuestionHistory, today: Day): number | null {
  if (!entry.inReview) return null;
  const interval = REVIEW_INTERVALS_DAYS[Math.min(entry.level, REVIEW_INTERVALS_DAYS.length - 1)]!;
  return daysBetween(entry.lastDay, today) - interval;
}

export interface SelectionInput {
  candidates: readonly Candidate[];
  history: ReadonlyMap<string, QuestionHistory>;
  topicWeights: Readonly<Record<string, number>>;
  today: Day;
  seed: string;
}

export function selectQuestion(input: SelectionInput): Candidate | undefined {
  const { candidates, history, today } = input;
  if (candidates.length === 0) return undefined;
  const random = seededRandom(input.seed);
  const weightOf = (c: Candidate) => input.topicWeights[c.topic] ?? 1;
  const pool = candidates.some((c) => weightOf(c) > 0) ? candidates.filter((c) => weightOf(c) > 0) : candidates;

  const due = pool
    .map((c) => ({ c, overdue: history.has(c.key) ? reviewOverdue(history.get(c.key)!, today) : null }))
    .filter((x): x is { c: Candidate; overdue: number } => x.overdue !== null && x.overdue >= 0);
  if (due.length > 0) {
    const most = Math.max(...due.map((d) => d.overdue));
    return weightedPick(due.filter((d) => d.overdue === most).map((d) => d.c), weightOf, random);
  }

  const unseen = pool.filter((c) => !history.has(c.key));
  if (unseen.length > 0) return weightedPick(unseen, weightOf, random);

  // Everything seen: the least recently seen, but not a pending review that is not yet due.
  const settled = pool.filter((c) => !history.get(c.key)!.inReview);
  const rest = settled.length > 0 ? settled : pool;
  const oldest = rest.reduce((min, c) => (history.get(c.key)!.lastDay < min ? history.get(c.key)!.lastDay : min), '9999-12-31');
  return weightedPick(rest.filter((c) => history.get(c.key)!.lastDay === oldest), weightOf, random);
}

function weightedPick<T>(items: readonly T[], weightOf: (item: T) => number, random: () => number): T {
  const weights = items.map((i) => Math.max(weightOf(i), 0));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return items[Math.floor(random() * items.length)]!;
  let roll = random() * total;
  for (let i = 0; i < items.length; i++) {
    roll -= weights[i]!;
    if (roll < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

/** mulberry32 seeded from a string hash: deterministic, uniform enough for picking questions. */
export function seededRandom(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let state = h >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Consecutive working days answered, counting back from today. Today does not break the streak while
 * it is still open, and days off without an answer neither count nor break it; an answer given on a
 * day off (a Saturday) counts, because the member did take part.
 */
export function computeStreak(answeredDays: ReadonlySet<Day>, today: Day, calendar: WorkingDayCalendar): number {
  let streak = 0;
  let day = today;
  for (let walked = 0; walked < MAX_STREAK_WALK_DAYS; walked++) {
    if (answeredDays.has(day)) streak++;
    else if (day !== today && calendar.isWorkingDay(day)) break;
    day = addDays(day, -1);
  }
  return streak;
}

/** Ten years: a bound on the walk back, far beyond any real streak. */
const MAX_STREAK_WALK_DAYS = 3_660;

/** Answers older than this many days may no longer be given for a quiz day (a late click on an old card). */
export const ANSWER_GRACE_DAYS = 1;

export function canStillAnswer(quizDay: Day, today: Day): boolean {
  const age = daysBetween(quizDay, today);
  return age >= 0 && age <= ANSWER_GRACE_DAYS;
}
