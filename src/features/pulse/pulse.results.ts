/**
 * A closed run's figures: the response rate by department against the roster the run addressed, and
 * each item's distribution and mean for the organisation and for every department whose respondents
 * reach the minimum group size, with the stats module's complementary suppression so that no hidden
 * group comes back by subtraction. Open runs have a response rate and nothing else.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, Member, PulseRun } from '../../db/schema.js';
import { resolveAudience } from '../../scheduler/schedules.repository.js';
import type { DepartmentAudience } from '../people/audience.js';
import { ORGANISATION, rateFigure, suppressTree, type RateFigure, type TreeNode } from '../stats/privacy.js';
import { summarise, type ItemSummary } from './pulse.js';
import { answersOf, departmentNodes, pulseById, respondedAmong, runAudience, type Pulse } from './pulse.repository.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** Answers kept for the organisation as a whole (no department reached the size): a part of their own. */
const ORGANISATION_LEVEL = -1;

export interface RateRow {
  departmentId: number;
  path: string;
  figure: RateFigure;
}

export interface DepartmentResult {
  departmentId: number;
  path: string;
  respondents: number;
  items: ItemSummary[];
}

export interface RunResults {
  run: PulseRun;
  pulse: Pulse;
  audienceSize: number;
  respondents: number;
  /** The organisation's response rate; hidden only when the whole audience is below the minimum. */
  rate: RateFigure;
  /** Department subtrees, by path. */
  rates: RateRow[];
  /** Null while the run is open, or when fewer than the minimum responded in all. */
  items: ItemSummary[] | null;
  departments: DepartmentResult[];
  /** Departments with respondents whose answers are not shown on their own (too few, or to protect another). */
  withheld: number;
  minGroupSize: number;
}

/** The members a run addresses, among those on the roster now. */
export async function runMembers(db: DbOrTrx, run: PulseRun): Promise<Member[]> {
  return audienceMembers(db, runAudience(run));
}

export async function audienceMembers(db: DbOrTrx, audience: DepartmentAudience): Promise<Member[]> {
  return resolveAudience(db, 'all' in audience ? { all: true } : { all: false, departments: audience.departments, roles: [] });
}

export async function runResults(db: DbOrTrx, run: PulseRun, minGroupSize: number): Promise<RunResults> {
  const pulse = (await pulseById(db, run.pulse_id))!;
  const k = run.min_group_size ?? minGroupSize;
  const nodes = await departmentNodes(db);
  const treeNodes: TreeNode[] = nodes.map((n) => ({ id: n.id, parentId: n.parentId, order: n.path }));
  const members = await runMembers(db, run);
  const responded = await respondedAmong(db, run.id, members.map((m) => m.id));

  // Response rate: the roster is the denominator; a department below the minimum headcount is hidden.
  const headcount = new Map<number, number>();
  const respondedBy = new Map<number, number>();
  for (const m of members) {
    headcount.set(m.department_id, (headcount.get(m.department_id) ?? 0) + 1);
    if (responded.has(m.id)) respondedBy.set(m.department_id, (respondedBy.get(m.department_id) ?? 0) + 1);
  }
  const rateSuppression = suppressTree(treeNodes, (id) => headcount.get(id) ?? 0, k);
  const subtreeOf = subtrees(nodes);
  const sum = (counts: ReadonlyMap<number, number>, id: number) => [...(subtreeOf.get(id) ?? [id])].reduce((s, d) => s + (counts.get(d) ?? 0), 0);
  const rates: RateRow[] = nodes
    .filter((n) => sum(headcount, n.id) > 0)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((n) => ({ departmentId: n.id, path: n.path, figure: rateFigure(sum(respondedBy, n.id), sum(headcount, n.id), rateSuppression.subtree.get(n.id) ?? null) }));
  const rate = rateFigure(responded.size, members.length, rateSuppression.subtree.get(ORGANISATION) ?? null);

  const base = { run, pulse, audienceSize: members.length, respondents: responded.size, rate, rates, minGroupSize: k };
  if (!run.closed_at) return { ...base, items: null, departments: [], withheld: 0 };

  // Answers: the cells are where close put them; the organisation-level answers are one more part.
  const answers = await answersOf(db, run.id);
  const itemCount = pulse.body.items.length;
  const byDepartment = new Map<number, number[][]>();
  const all: number[][] = Array.from({ length: itemCount }, () => []);
  for (const a of answers) {
    const at = a.department_id ?? ORGANISATION_LEVEL;
    let cell = byDepartment.get(at);
    if (!cell) byDepartment.set(at, (cell = Array.from({ length: itemCount }, () => [])));
    cell[a.item]?.push(a.value);
    all[a.item]?.push(a.value);
  }
  const respondentsAt = (id: number) => byDepartment.get(id)?.[0]?.length ?? 0;
  const total = all[0]?.length ?? 0;
  const answerNodes: TreeNode[] = [...treeNodes, { id: ORGANISATION_LEVEL, parentId: null, order: '' }];
  const answerSuppression = suppressTree(answerNodes, respondentsAt, k);
  const shownTotal = total >= k && !answerSuppression.subtree.has(ORGANISATION);
  const departments: DepartmentResult[] = [];
  let withheld = 0;
  for (const n of [...nodes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const inside = [...(subtreeOf.get(n.id) ?? [n.id])];
    const respondents = inside.reduce((s, d) => s + respondentsAt(d), 0);
    if (respondents === 0) continue;
    if (answerSuppression.subtree.has(n.id)) {
      withheld++;
      continue;
    }
    const values = Array.from({ length: itemCount }, (_, item) => inside.flatMap((d) => byDepartment.get(d)?.[item] ?? []));
    departments.push({ departmentId: n.id, path: n.path, respondents, items: values.map((v, item) => summarise(pulse.body.items[item]!.kind, v)) });
  }
  return {
    ...base,
    items: shownTotal ? all.map((v, item) => summarise(pulse.body.items[item]!.kind, v)) : null,
    departments: shownTotal ? departments : [],
    withheld: shownTotal ? withheld : 0,
  };
}

/** Each department with every department under it (itself included). */
function subtrees(nodes: readonly { id: number; parentId: number | null }[]): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>(nodes.map((n) => [n.id, new Set([n.id])]));
  const parent = new Map(nodes.map((n) => [n.id, n.parentId]));
  for (const n of nodes) {
    const seen = new Set<number>([n.id]);
    for (let at = parent.get(n.id) ?? null; at !== null && !seen.has(at); at = parent.get(at) ?? null) {
      seen.add(at);
      out.get(at)?.add(n.id);
    }
  }
  return out;
}
