import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, QuestionRow } from '../../db/schema.js';
import type { LegalBasis, QuizItem, QuizKind } from './content.js';
import type { Localized } from '../../i18n/locales.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** What is stored in questions.body: everything a card needs, in every locale. */
export interface QuestionBody {
  question: Localized;
  choices: Localized[];
  explanation: Localized;
  basis: LegalBasis[];
}

export interface Question {
  id: number;
  pack: string;
  slug: string;
  version: number;
  topic: string;
  kind: QuizKind;
  difficulty: number;
  answerIndex: number;
  body: QuestionBody;
}

export function toQuestion(row: QuestionRow): Question {
  return {
    id: row.id,
    pack: row.pack,
    slug: row.slug,
    version: row.version,
    topic: row.topic,
    kind: row.kind,
    difficulty: row.difficulty,
    answerIndex: row.answer_index,
    body: JSON.parse(row.body) as QuestionBody,
  };
}

function canonical(item: QuizItem): { hash: string; body: string } {
  const { topic, type, difficulty, answer, question, choices, explanation, basis } = item;
  const body: QuestionBody = { question, choices, explanation, basis };
  const json = JSON.stringify({ topic, type, difficulty, answer, ...body });
  return { hash: createHash('sha256').update(json).digest('hex'), body: JSON.stringify(body) };
}

export interface SyncSummary {
  added: number;
  revised: number;
  retired: number;
  unchanged: number;
}

/**
 * Brings the questions table in line with the loaded catalogue. A changed item becomes a new version
 * (answers keep pointing at the version that was asked); an item no longer shipped is retired, not
 * deleted, so its history stays countable.
 */
export async function syncQuestions(db: Kysely<Database>, items: readonly QuizItem[], nowIso: string): Promise<SyncSummary> {
  questionCache.delete(db);
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('questions').selectAll().orderBy('version', 'desc').execute();
    const latest = new Map<string, QuestionRow>();
    for (const row of rows) {
      const key = `${row.pack}/${row.slug}`;
      if (!latest.has(key)) latest.set(key, row);
    }
    const summary: SyncSummary = { added: 0, revised: 0, retired: 0, unchanged: 0 };
    const shipped = new Set<string>();
    for (const item of items) {
      const key = `${item.pack}/${item.slug}`;
      shipped.add(key);
      const { hash, body } = canonical(item);
      const current = latest.get(key);
      if (current && current.content_hash === hash) {
        if (current.active === 1) summary.unchanged++;
        else {
          await trx.updateTable('questions').set({ active: 1 }).where('id', '=', current.id).execute();
          summary.added++;
        }
        continue;
      }
      if (current) {
        await retire(trx, item.pack, item.slug);
        summary.revised++;
      } else summary.added++;
      await trx
        .insertInto('questions')
        .values({
          pack: item.pack,
          slug: item.slug,
          version: (current?.version ?? 0) + 1,
          topic: item.topic,
          kind: item.type,
          difficulty: item.difficulty,
          choice_count: item.type === 'ox' ? 2 : item.choices.length,
          answer_index: item.answer,
          content_hash: hash,
          body,
          active: 1,
          created_at: nowIso,
        })
        .execute();
    }
    for (const [key, row] of latest) {
      if (!shipped.has(key) && row.active === 1) {
        await retire(trx, row.pack, row.slug);
        summary.retired++;
      }
    }
    return summary;
  });
}

async function retire(db: DbOrTrx, pack: string, slug: string): Promise<void> {
  await db.updateTable('questions').set({ active: 0 }).where('pack', '=', pack).where('slug', '=', slug).execute();
}

/**
 * Active questions change only when content is synced (at start), yet a 09:00 fan-out asks for them
 * once per member: they are kept for a short while per database handle.
 */
const QUESTION_CACHE_MS = 60_000;
const questionCache = new WeakMap<object, { loadedAt: number; questions: Question[]; byId: Map<number, Question> }>();

async function cachedActive(db: DbOrTrx) {
  const cached = questionCache.get(db);
  if (cached && performance.now() - cached.loadedAt < QUESTION_CACHE_MS) return cached;
  const rows = await db.selectFrom('questions').selectAll().where('active', '=', 1).orderBy('id').execute();
  const questions = rows.map(toQuestion);
  const entry = { loadedAt: performance.now(), questions, byId: new Map(questions.map((q) => [q.id, q])) };
  questionCache.set(db, entry);
  return entry;
}

export async function activeQuestions(db: DbOrTrx): Promise<Question[]> {
  return (await cachedActive(db)).questions;
}

export async function questionById(db: DbOrTrx, id: number): Promise<Question | undefined> {
  const cached = (await cachedActive(db)).byId.get(id);
  if (cached) return cached;
  // A retired version (an answer card from before a content update) is still readable.
  const row = await db.selectFrom('questions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toQuestion(row) : undefined;
}
