/**
 * From raw per-department tallies (counts.ts) to the published figures, with every small-group and
 * complementary suppression applied (privacy.ts). Pure. Suppression is decided over the whole
 * department tree for each measure, so the organisation report, every department report and the flat
 * export hide the same figures and none can be recovered from another.
 */
import type { Day } from '../../time.js';
import type { AnnouncementInfo, DepartmentCounts, DirectCounts, PledgeInfo } from './counts.js';
import type { Period } from './period.js';
import { countFigure, ORGANISATION, rateFigure, suppressTree, type Figure, type NodeId, type RateFigure, type SuppressionReason, type TreeNode } from './privacy.js';

export interface StatsScope {
  /** null: the whole organisation. */
  departmentId: number | null;
  path: string | null;
  name: string | null;
}

export interface TopicStat {
  topic: string;
  answered: Figure;
  correct: Figure;
  /** correct / answered; both withheld when suppressed. */
  accuracy: RateFigure;
}

export interface PledgeStat {
  pledgeId: number;
  key: string;
  pack: string;
  slug: string;
  version: number;
  audience: 'all' | 'leaders';
  eligible: number;
  completion: RateFigure;
}

export interface AnnouncementStat {
  announcementId: number;
  title: string;
  day: Day;
  status: string;
  ackRequired: boolean;
  /** The audience: roster members it was addressed to when sent (a headcount, always shown). */
  recipients: number;
  /** Of the audience; value and numerator null for a letter that asks for no acknowledgement. */
  acknowledgement: RateFigure;
  /** Deliveries that failed (no chat account, say), hidden with the acknowledgement. */
  failed: Figure;
}

export interface WeekStat {
  week: string;
  from: Day;
  to: Day;
  workingDays: number;
  headcount: number;
  participation: RateFigure;
}

export interface DepartmentStat {
  departmentId: number;
  path: string;
  name: string;
  headcount: number;
  participation: RateFigure;
  depth: RateFigure;
  /** 1 = highest participation; equal rates share a rank; null when the rate is not shown. */
  rank: number | null;
}

export interface StatsReport {
  period: Period;
  scope: StatsScope;
  minGroupSize: number;
  /** Working days in the period. */
  workingDays: number;
  /** Days in the period on which the daily quiz went out (organisation-wide). */
  quizDaysHeld: number;
  /** Always shown: who the figures are about. */
  headcount: number;
  joiners: number;
  leavers: number;
  /** Members who answered at least once / headcount. */
  participation: RateFigure;
  /** Answered working days / working days, pro rata for joiners and leavers. */
  depth: RateFigure;
  /** Weakest first. */
  topics: TopicStat[];
  pledges: PledgeStat[];
  announcements: AnnouncementStat[];
  deliveries: { sent: Figure; failed: Figure; skipped: Figure };
  weekly: WeekStat[];
  /** The scope's child departments (each with its whole subtree), by participation, never by accuracy. */
  departments: DepartmentStat[];
}

export interface PartitionPledge {
  pledgeId: number;
  key: string;
  eligible: number;
  completion: RateFigure;
}

/** One department's direct members (not its sub-departments): rows add up to the organisation. */
export interface PartitionRow {
  departmentId: number;
  parentId: number | null;
  path: string;
  name: string;
  /** 1 for a top-level department. */
  level: number;
  headcount: number;
  participation: RateFigure;
  depth: RateFigure;
  pledges: PartitionPledge[];
}

export interface PartitionReport {
  period: Period;
  minGroupSize: number;
  workingDays: number;
  organisation: { headcount: number; participation: RateFigure; depth: RateFigure; pledges: PartitionPledge[] };
  rows: PartitionRow[];
}

/** Sums over subtrees and the suppression of one measure, computed once per report. */
class Tree {
  readonly nodes: TreeNode[];
  private readonly children = new Map<NodeId, number[]>();
  private readonly postOrder: number[] = [];

  constructor(readonly counts: DepartmentCounts) {
    this.nodes = counts.departments.map((d) => ({ id: d.id, parentId: d.parentId, order: d.path }));
    const known = new Set(this.nodes.map((n) => n.id));
    for (const node of this.nodes) {
      const parent = node.parentId !== null && known.has(node.parentId) ? node.parentId : ORGANISATION;
      this.children.set(parent, [...(this.children.get(parent) ?? []), node.id]);
    }
    const visit = (id: number) => {
      for (const child of this.children.get(id) ?? []) visit(child);
      this.postOrder.push(id);
    };
    for (const root of this.children.get(ORGANISATION) ?? []) visit(root);
  }

  childrenOf(id: NodeId): number[] {
    return this.children.get(id) ?? [];
  }

  direct(id: number): DirectCounts | undefined {
    return this.counts.direct.get(id);
  }

  /** Subtree sums of a direct value (null = the organisation). */
  sums(value: (d: DirectCounts) => number): Map<NodeId, number> {
    const sums = new Map<NodeId, number>();
    for (const id of this.postOrder) {
      const direct = this.direct(id);
      let sum = direct ? value(direct) : 0;
      for (const child of this.childrenOf(id)) sum += sums.get(child)!;
      sums.set(id, sum);
    }
    let total = 0;
    for (const root of this.childrenOf(ORGANISATION)) total += sums.get(root)!;
    sums.set(ORGANISATION, total);
    return sums;
  }

  suppress(size: (d: DirectCounts) => number, minGroupSize: number) {
    return suppressTree(this.nodes, (id) => {
      const direct = this.direct(id);
      return direct ? size(direct) : 0;
    }, minGroupSize);
  }
}

/** One measure: its group sizes and numerators over subtrees, and what is hidden. */
function measure(tree: Tree, k: number, size: (d: DirectCounts) => number) {
  const sizes = tree.sums(size);
  const hidden = tree.suppress(size, k);
  return {
    size: (id: NodeId) => sizes.get(id) ?? 0,
    subtreeReason: (id: NodeId): SuppressionReason | null => hidden.subtree.get(id) ?? null,
    directReason: (id: number): SuppressionReason | null => hidden.direct.get(id) ?? null,
  };
}

export function buildReport(counts: DepartmentCounts, scopeId: number | null, minGroupSize: number): StatsReport {
  const tree = new Tree(counts);
  const k = minGroupSize;
  const department = scopeId === null ? undefined : counts.departments.find((d) => d.id === scopeId);
  const scope: StatsScope = { departmentId: scopeId, path: department?.path ?? null, name: department?.name ?? null };

  const people = measure(tree, k, (d) => d.headcount);
  const participants = tree.sums((d) => d.participants);
  const answeredDays = tree.sums((d) => d.answeredWorkingDays);
  const activeDays = tree.sums((d) => d.activeWorkingDays);
  const participation = (id: NodeId) => rateFigure(participants.get(id) ?? 0, people.size(id), people.subtreeReason(id));
  const depth = (id: NodeId) => rateFigure(answeredDays.get(id) ?? 0, activeDays.get(id) ?? 0, people.subtreeReason(id));

  const topics = counts.topics.map((topic): TopicStat => {
    const tally = (d: DirectCounts) => d.topics.get(topic);
    const m = measure(tree, k, (d) => tally(d)?.answerers ?? 0);
    const answered = tree.sums((d) => tally(d)?.answered ?? 0).get(scopeId) ?? 0;
    const correct = tree.sums((d) => tally(d)?.correct ?? 0).get(scopeId) ?? 0;
    const reason = m.subtreeReason(scopeId);
    return { topic, answered: countFigure(answered, reason), correct: countFigure(correct, reason), accuracy: rateFigure(correct, answered, reason, { hideDenominator: true }) };
  });
  topics.sort((a, b) => (a.accuracy.value ?? Infinity) - (b.accuracy.value ?? Infinity) || (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));

  const pledges = counts.pledges.map((pledge): PledgeStat => {
    const c = pledgeCompletion(tree, k, pledge)(scopeId);
    return { pledgeId: pledge.id, key: pledge.key, pack: pledge.pack, slug: pledge.slug, version: pledge.version, audience: pledge.audience, eligible: c.eligible, completion: c.completion };
  });

  const announcements = counts.announcements.map((message: AnnouncementInfo): AnnouncementStat => {
    const tally = (d: DirectCounts) => d.announcements.get(message.id);
    const m = measure(tree, k, (d) => tally(d)?.recipients ?? 0);
    const acknowledged = tree.sums((d) => tally(d)?.acknowledged ?? 0).get(scopeId) ?? 0;
    const failed = tree.sums((d) => tally(d)?.failed ?? 0).get(scopeId) ?? 0;
    const reason = m.subtreeReason(scopeId);
    const acknowledgement = message.ackRequired ? rateFigure(acknowledged, m.size(scopeId), reason) : { ...rateFigure(0, m.size(scopeId), reason), value: null, numerator: null };
    return { announcementId: message.id, title: message.title, day: message.day, status: message.status, ackRequired: message.ackRequired, recipients: m.size(scopeId), acknowledgement, failed: countFigure(failed, reason) };
  });

  const weekly = counts.weeks.map((week, w): WeekStat => {
    const m = measure(tree, k, (d) => d.weekHeadcount[w] ?? 0);
    const weekParticipants = tree.sums((d) => d.weekParticipants[w] ?? 0).get(scopeId) ?? 0;
    return { week: week.key, from: week.from, to: week.to, workingDays: week.workingDays, headcount: m.size(scopeId), participation: rateFigure(weekParticipants, m.size(scopeId), m.subtreeReason(scopeId)) };
  });

  // Delivery counts follow the headcount's suppression, complementary included: a department's counts
  // minus a sibling's must not give one person's (they include reminders to non-signers).
  const deliveryReason: SuppressionReason | null = people.subtreeReason(scopeId);
  const delivered = (status: 'sent' | 'failed' | 'skipped') =>
    countFigure((tree.sums((d) => d.deliveries[status]).get(scopeId) ?? 0) + (scopeId === null ? counts.unattributedDeliveries[status] : 0), deliveryReason);

  const departments = tree.childrenOf(scopeId).map((id): DepartmentStat => {
    const info = counts.departments.find((d) => d.id === id)!;
    return { departmentId: id, path: info.path, name: info.name, headcount: people.size(id), participation: participation(id), depth: depth(id), rank: null };
  });
  rankByParticipation(departments);

  return {
    period: counts.period,
    scope,
    minGroupSize: k,
    workingDays: counts.workingDays,
    quizDaysHeld: counts.quizDaysHeld,
    headcount: people.size(scopeId),
    joiners: tree.sums((d) => d.joiners).get(scopeId) ?? 0,
    leavers: tree.sums((d) => d.leavers).get(scopeId) ?? 0,
    participation: participation(scopeId),
    depth: depth(scopeId),
    topics,
    pledges,
    announcements,
    deliveries: { sent: delivered('sent'), failed: delivered('failed'), skipped: delivered('skipped') },
    weekly,
    departments,
  };
}

function pledgeCompletion(tree: Tree, k: number, pledge: PledgeInfo) {
  const tally = (d: DirectCounts) => d.pledges.get(pledge.id);
  const m = measure(tree, k, (d) => tally(d)?.eligible ?? 0);
  const signed = tree.sums((d) => tally(d)?.signed ?? 0);
  return (id: NodeId) => ({ eligible: m.size(id), completion: rateFigure(signed.get(id) ?? 0, m.size(id), m.subtreeReason(id)) });
}

/** Highest participation first; hidden or empty rates last, by path; equal rates share a rank. */
function rankByParticipation(departments: DepartmentStat[]): void {
  departments.sort((a, b) => {
    const av = a.participation.value;
    const bv = b.participation.value;
    if (av !== null && bv !== null && av !== bv) return bv - av;
    if ((av === null) !== (bv === null)) return av === null ? 1 : -1;
    return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  });
  let previous: number | null = null;
  departments.forEach((d, i) => {
    if (d.participation.value === null) return;
    d.rank = previous !== null && departments[i - 1]!.participation.value === d.participation.value ? previous : i + 1;
    previous = d.rank;
  });
}

/** The flat export: every department's direct members, suppressed so no row comes back from the organisation total. */
export function buildPartition(counts: DepartmentCounts, minGroupSize: number): PartitionReport {
  const tree = new Tree(counts);
  const k = minGroupSize;
  const people = measure(tree, k, (d) => d.headcount);
  const pledgeMeasures = counts.pledges.map((pledge) => {
    const tally = (d: DirectCounts) => d.pledges.get(pledge.id);
    return { pledge, tally, m: measure(tree, k, (d) => tally(d)?.eligible ?? 0), subtree: pledgeCompletion(tree, k, pledge) };
  });
  const levelOf = new Map<number, number>();
  const level = (id: number): number => {
    const cached = levelOf.get(id);
    if (cached !== undefined) return cached;
    const parent = counts.departments.find((d) => d.id === id)?.parentId ?? null;
    const value = parent === null || !counts.departments.some((d) => d.id === parent) ? 1 : level(parent) + 1;
    levelOf.set(id, value);
    return value;
  };
  const rows = [...counts.departments]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((info): PartitionRow => {
      const d = tree.direct(info.id);
      const reason = people.directReason(info.id);
      return {
        departmentId: info.id,
        parentId: info.parentId,
        path: info.path,
        name: info.name,
        level: level(info.id),
        headcount: d?.headcount ?? 0,
        participation: rateFigure(d?.participants ?? 0, d?.headcount ?? 0, reason),
        depth: rateFigure(d?.answeredWorkingDays ?? 0, d?.activeWorkingDays ?? 0, reason),
        pledges: pledgeMeasures.map(({ pledge, tally, m }) => {
          const t = d ? tally(d) : undefined;
          return { pledgeId: pledge.id, key: pledge.key, eligible: t?.eligible ?? 0, completion: rateFigure(t?.signed ?? 0, t?.eligible ?? 0, m.directReason(info.id)) };
        }),
      };
    });
  const participants = tree.sums((d) => d.participants).get(ORGANISATION) ?? 0;
  const answeredDays = tree.sums((d) => d.answeredWorkingDays).get(ORGANISATION) ?? 0;
  const activeDays = tree.sums((d) => d.activeWorkingDays).get(ORGANISATION) ?? 0;
  return {
    period: counts.period,
    minGroupSize: k,
    workingDays: counts.workingDays,
    organisation: {
      headcount: people.size(ORGANISATION),
      participation: rateFigure(participants, people.size(ORGANISATION), people.subtreeReason(ORGANISATION)),
      depth: rateFigure(answeredDays, activeDays, people.subtreeReason(ORGANISATION)),
      pledges: pledgeMeasures.map(({ pledge, subtree }) => ({ pledgeId: pledge.id, key: pledge.key, ...subtree(ORGANISATION) })),
    },
    rows,
  };
}
