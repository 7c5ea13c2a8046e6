/** Reads content packs from disk and validates them into one catalogue. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import { t, type Locale } from '../../i18n/index.js';
import {
  checkReferences,
  ProblemSink,
  readLocalized,
  readNudgeItem,
  readPledgeItem,
  readTemplateItem,
  readQuizItem,
  TITLE_TEXT_MAX,
  type ContentCatalog,
  type ContentProblem,
  type PackInfo,
} from './content.js';
import { readPulseItem } from '../pulse/pulse.js';

export const PACK_FILE = 'pack.yaml';
const ITEM_LISTS = ['quiz', 'nudges', 'pledges', 'templates', 'pulses'] as const;

export interface LoadResult {
  catalog: ContentCatalog;
  errors: ContentProblem[];
  warnings: ContentProblem[];
}

/** A directory is a pack when it has a pack.yaml; otherwise each sub-directory that has one is. */
export function findPackDirs(dir: string): string[] {
  if (existsSync(join(dir, PACK_FILE))) return [dir];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, PACK_FILE)))
    .map((e) => join(dir, e.name))
    .sort();
}

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFilesUnder(path));
    else if (/\.ya?ml$/.test(entry.name) && entry.name !== PACK_FILE) out.push(path);
  }
  return out;
}

function parseYaml(path: string, sink: ProblemSink): unknown {
  let source: string;
  try {
    source = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    sink.error(undefined, 'content.error.unreadable', { reason: String(error) });
    return undefined;
  }
  const doc = parseDocument(source, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    sink.error(undefined, 'content.error.yaml', { line: first.linePos?.[0]?.line ?? 0, reason: first.code });
    return undefined;
  }
  return doc.toJS();
}

function readPackInfo(dir: string, display: string, sink: ProblemSink): PackInfo | undefined {
  const raw = parseYaml(join(dir, PACK_FILE), sink);
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null) {
    sink.error(undefined, 'content.error.not_a_pack');
    return undefined;
  }
  const info = raw as Record<string, unknown>;
  const id = info['pack'];
  if (typeof id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(id)) {
    sink.error('pack', 'content.error.bad_slug');
    return undefined;
  }
  const name = readLocalized(info, 'name', TITLE_TEXT_MAX, sink);
  const readMap = (field: 'topics' | 'laws') => {
    const map: Record<string, ReturnType<typeof readLocalized>> = {};
    const value = info[field] ?? {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      sink.error(field, 'content.error.not_localized');
      return {};
    }
    for (const [key, names] of Object.entries(value)) {
      map[key] = readLocalized({ [`${field}.${key}`]: names }, `${field}.${key}`, TITLE_TEXT_MAX, sink);
    }
    return Object.fromEntries(Object.entries(map).filter(([, v]) => v !== undefined)) as PackInfo['topics'];
  };
  const topics = readMap('topics');
  const laws = readMap('laws');
  if (!name) return undefined;
  return { id, dir: display, name, topics, laws };
}

/**
 * Loads every pack found under the given directories. Nothing is half-loaded: callers refuse to
 * start (or `content check` fails) when `errors` is not empty.
 */
export function loadContent(dirs: readonly string[], base = process.cwd()): LoadResult {
  const errors: ContentProblem[] = [];
  const warnings: ContentProblem[] = [];
  const catalog: ContentCatalog = { packs: [], quiz: [], nudges: [], pledges: [], templates: [], pulses: [], topics: {}, laws: {} };
  const show = (path: string) => relative(base, path) || '.';

  for (const dir of dirs) {
    const packDirs = findPackDirs(dir);
    if (packDirs.length === 0) {
      errors.push({ file: show(dir), code: 'content.error.no_pack', params: { file: PACK_FILE } });
      continue;
    }
    for (const packDir of packDirs) {
      const sink = new ProblemSink(show(join(packDir, PACK_FILE)), errors, warnings);
      const pack = readPackInfo(packDir, show(packDir), sink);
      if (!pack) continue;
      const duplicate = catalog.packs.find((p) => p.id === pack.id);
      if (duplicate) {
        sink.error('pack', 'content.error.duplicate_pack', { pack: pack.id, other: duplicate.dir });
        continue;
      }
      catalog.packs.push(pack);
      Object.assign(catalog.topics, pack.topics);
      Object.assign(catalog.laws, pack.laws);

      for (const path of yamlFilesUnder(packDir)) {
        const file = show(path);
        const fileSink = new ProblemSink(file, errors, warnings);
        const raw = parseYaml(path, fileSink);
        if (raw === undefined) continue;
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
          fileSink.error(undefined, 'content.error.not_a_content_file', { lists: ITEM_LISTS.join(', ') });
          continue;
        }
        for (const [key, list] of Object.entries(raw)) {
          if (!(ITEM_LISTS as readonly string[]).includes(key)) {
            fileSink.error(key, 'content.error.unknown_list', { lists: ITEM_LISTS.join(', ') });
            continue;
          }
          if (!Array.isArray(list)) {
            fileSink.error(key, 'content.error.not_a_list');
            continue;
          }
          list.forEach((entry, i) => {
            if (key === 'quiz') {
              const item = readQuizItem(entry, i, pack.id, file, fileSink);
              if (item) catalog.quiz.push(item);
            } else if (key === 'nudges') {
              const item = readNudgeItem(entry, i, pack.id, file, fileSink);
              if (item) catalog.nudges.push(item);
            } else if (key === 'pledges') {
              const item = readPledgeItem(entry, i, pack.id, file, fileSink);
              if (item) catalog.pledges.push(item);
            } else if (key === 'pulses') {
              const item = readPulseItem(entry, i, pack.id, file, fileSink);
              if (item) catalog.pulses.push(item);
            } else {
              const item = readTemplateItem(entry, i, pack.id, file, fileSink);
              if (item) catalog.templates.push(item);
            }
          });
        }
      }
    }
  }
  checkReferences(catalog, errors, warnings);
  return { catalog, errors, warnings };
}

/** One line per problem, naming the file, the item and the field, in the operator's language. */
export function formatProblem(problem: ContentProblem, locale: Locale): string {
  const where = [
    problem.file,
    problem.item !== undefined ? t(locale, 'content.where.item', { item: problem.item }) : undefined,
    problem.field,
  ]
    .filter((p) => p !== undefined)
    .join(': ');
  return `${where}: ${t(locale, problem.code, problem.params)}`;
}

export class ContentError extends Error {
  constructor(readonly problems: ContentProblem[], locale: Locale) {
    super([t(locale, 'content.error.header', { count: problems.length }), ...problems.map((p) => `  ${formatProblem(p, locale)}`)].join('\n'));
    this.name = 'ContentError';
  }
}
