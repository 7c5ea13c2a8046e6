/**
 * Small-group suppression for the HR statistics. Pure.
 *
 * Headcounts are always shown: they come from the roster and are no secret. Any rate or answer count
 * about fewer than `minGroupSize` members is suppressed: its value and numerator are withheld and the
 * figure says why. A suppressed figure must not come back by subtraction either, so within every
 * partition of a shown total — a department's subtree is its direct members plus each child subtree,
 * the organisation is the sum of its top-level departments — a lone suppressed part takes the smallest
 * other part with it (complementary suppression), until the hidden parts are at least two and cover at
 * least `minGroupSize` members between them. The direct members of a department count as a part of
 * their own, so the flat per-department export (direct members only) is protected by the same pass.
 * A total that is hidden only to protect a sibling must hide at least one of its own parts as well,
 * or it could be rebuilt by adding them up. Under a shown total, what is tested is what subtraction
 * actually leaves: the hidden direct cells not covered by any shown figure below it, however deep.
 */

export type SuppressionReason = 'small_group' | 'complementary';

/** One published number. `value` is null when suppressed or when there is nothing to count. */
export interface Figure {
  value: number | null;
  suppressed: boolean;
  reason: SuppressionReason | null;
}

/** A share: `value = numerator / denominator`. When suppressed the numerator is withheld. */
export interface RateFigure extends Figure {
  numerator: number | null;
  /** Withheld too when it is itself an answer count (topic accuracy). */
  denominator: number | null;
}

const SHOWN = { suppressed: false, reason: null } as const;

/** A count, shown unless `reason` says otherwise. */
export function countFigure(value: number, reason: SuppressionReason | null = null): Figure {
  return reason ? { value: null, suppressed: true, reason } : { value, ...SHOWN };
}

/**
 * A rate. With a zero denominator there is nothing to show and nothing to hide: value null, not
 * suppressed. `hideDenominator` for rates whose denominator is an answer count.
 */
export function rateFigure(numerator: number, denominator: number, reason: SuppressionReason | null, options: { hideDenominator?: boolean } = {}): RateFigure {
  if (reason) return { value: null, numerator: null, denominator: options.hideDenominator ? null : denominator, suppressed: true, reason };
  return { value: denominator > 0 ? numerator / denominator : null, numerator, denominator, ...SHOWN };
}

/** A department in the tree; `order` breaks ties between equally small parts (the path, say). */
export interface TreeNode {
  id: number;
  parentId: number | null;
  order: string;
}

/** The organisation, the root above the top-level departments. */
export const ORGANISATION = null;
export type NodeId = number | typeof ORGANISATION;

export interface Suppression {
  /** Subtree figures (a department with everything under it; null = the organisation) and why hidden. */
  subtree: ReadonlyMap<NodeId, SuppressionReason>;
  /** Direct-member figures (a department without its sub-departments) and why hidden. */
  direct: ReadonlyMap<number, SuppressionReason>;
}

interface Part {
  kind: 'direct' | 'subtree';
  id: number;
  size: number;
  order: string;
}

/**
 * Decides which figures of one measure are hidden, across the whole tree at once so that every view
 * (the organisation, any department, the flat export) hides the same things. `directSize(id)` is the
 * number of members the department's direct figure is about (its headcount for participation, the
 * eligible members for a pledge, the answerers for a topic …).
 */
export function suppressTree(nodes: readonly TreeNode[], directSize: (id: number) => number, minGroupSize: number): Suppression {
  const known = new Set(nodes.map((n) => n.id));
  const children = new Map<NodeId, TreeNode[]>();
  for (const node of nodes) {
    const parent = node.parentId !== null && known.has(node.parentId) ? node.parentId : ORGANISATION;
    const list = children.get(parent) ?? [];
    list.push(node);
    children.set(parent, list);
  }
  const subtreeSize = new Map<NodeId, number>();
  const sizeOf = (id: NodeId): number => {
    const cached = subtreeSize.get(id);
    if (cached !== undefined) return cached;
    let size = id === ORGANISATION ? 0 : directSize(id);
    for (const child of children.get(id) ?? []) size += sizeOf(child.id);
    subtreeSize.set(id, size);
    return size;
  };
  const order = new Map(nodes.map((n) => [n.id, n.order]));
  const partsOf = (id: NodeId): Part[] => {
    const parts: Part[] = [];
    if (id !== ORGANISATION && directSize(id) > 0) parts.push({ kind: 'direct', id, size: directSize(id), order: order.get(id) ?? '' });
    for (const child of children.get(id) ?? []) if (sizeOf(child.id) > 0) parts.push({ kind: 'subtree', id: child.id, size: sizeOf(child.id), order: child.order });
    return parts;
  };

  const subtree = new Map<NodeId, SuppressionReason>();
  const direct = new Map<number, SuppressionReason>();
  const small = (size: number) => size > 0 && size < minGroupSize;
  if (small(sizeOf(ORGANISATION))) subtree.set(ORGANISATION, 'small_group');
  for (const node of nodes) {
    if (small(sizeOf(node.id))) subtree.set(node.id, 'small_group');
    if (small(directSize(node.id))) direct.set(node.id, 'small_group');
  }

  const isHidden = (p: Part) => (p.kind === 'direct' ? direct.has(p.id) : subtree.has(p.id));
  const hide = (p: Part) => (p.kind === 'direct' ? direct.set(p.id, 'complementary') : subtree.set(p.id, 'complementary'));
  const smallestShown = (parts: readonly Part[]) =>
    parts.filter((p) => !isHidden(p)).sort((a, b) => a.size - b.size || byOrder(a, b))[0];
  /** Whether a set of parts under a shown total needs one more hidden: a lone one, or too few people between them. */
  const exposed = (hidden: readonly Part[]) => hidden.length === 1 || (hidden.length > 1 && hidden.reduce((s, p) => s + p.size, 0) < minGroupSize);

  const partitions: NodeId[] = [ORGANISATION, ...nodes.map((n) => n.id)];
  const leaves = nodes.filter((n) => directSize(n.id) > 0).map((n): Part => ({ kind: 'direct', id: n.id, size: directSize(n.id), order: n.order }));
  /**
   * What a shown total leaves unexplained once every shown figure under it is subtracted: the hidden
   * direct cells reached through hidden sub-totals (a hidden sub-department whose other parts are
   * shown hides only what is left of it), and the shown figures one could subtract.
   */
  const residual = (id: NodeId): { cells: Part[]; shown: Part[] } => {
    const cells: Part[] = [];
    const shown: Part[] = [];
    const walk = (at: NodeId) => {
      for (const part of partsOf(at)) {
        if (!isHidden(part)) shown.push(part);
        else if (part.kind === 'direct') cells.push(part);
        else walk(part.id);
      }
    };
    walk(id);
    return { cells, shown };
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of partitions) {
      if (sizeOf(id) === 0) continue;
      const parts = partsOf(id);
      const totalShown = !subtree.has(id);
      const under = totalShown ? residual(id) : undefined;
      const needsMore = under ? exposed(under.cells) : parts.filter(isHidden).length === 0;
      if (!needsMore) continue;
      const next = smallestShown(under ? under.shown : parts);
      if (next) hide(next);
      // Every part already hidden, yet still exposed (a total made of one part): the total goes too.
      else if (totalShown) subtree.set(id, 'complementary');
      else continue;
      changed = true;
    }
    // The flat export: the organisation total minus every shown department row.
    if (!subtree.has(ORGANISATION) && exposed(leaves.filter(isHidden))) {
      const next = smallestShown(leaves);
      if (next) {
        hide(next);
        changed = true;
      }
    }
  }
  return { subtree, direct };
}

function byOrder(a: Part, b: Part): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  // The direct members of a department sort before its subtree with the same path.
  return a.kind === b.kind ? 0 : a.kind === 'direct' ? -1 : 1;
}
