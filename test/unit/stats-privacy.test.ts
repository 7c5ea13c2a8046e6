/** Small-group suppression: nothing about fewer than k people, not even by subtraction. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/features/quiz/quiz.js';
import { countFigure, ORGANISATION, rateFigure, suppressTree, type NodeId, type TreeNode } from '../../src/features/stats/privacy.js';

const K = 5;

/** A tree from [id, parentId, directSize] rows; order is the id, zero-padded. */
function tree(rows: [number, number | null, number][]) {
  const nodes: TreeNode[] = rows.map(([id, parentId]) => ({ id, parentId, order: String(id).padStart(4, '0') }));
  const sizes = new Map(rows.map(([id, , size]) => [id, size]));
  return { nodes, size: (id: number) => sizes.get(id) ?? 0 };
}

const hidden = (r: ReturnType<typeof suppressTree>) => ({
  subtree: Object.fromEntries([...r.subtree].map(([id, why]) => [String(id), why])),
  direct: Object.fromEntries([...r.direct].map(([id, why]) => [String(id), why])),
});

describe('figures', () => {
  it('a shown rate carries its numerator; a hidden one withholds it (and the denominator when asked)', () => {
    expect(rateFigure(3, 4, null)).toEqual({ value: 0.75, numerator: 3, denominator: 4, suppressed: false, reason: null });
    expect(rateFigure(3, 4, 'small_group')).toEqual({ value: null, numerator: null, denominator: 4, suppressed: true, reason: 'small_group' });
    expect(rateFigure(3, 4, 'complementary', { hideDenominator: true })).toEqual({ value: null, numerator: null, denominator: null, suppressed: true, reason: 'complementary' });
    expect(rateFigure(0, 0, null)).toEqual({ value: null, numerator: 0, denominator: 0, suppressed: false, reason: null });
    expect(countFigure(7)).toEqual({ value: 7, suppressed: false, reason: null });
    expect(countFigure(7, 'small_group')).toEqual({ value: null, suppressed: true, reason: 'small_group' });
  });
});

describe('suppressTree', () => {
  it.each<[string, [number, number | null, number][], { subtree: Record<string, string>; direct: Record<string, string> }]>([
    ['everyone in groups of k or more: nothing hidden', [[1, null, 5], [2, null, 9]], { subtree: {}, direct: {} }],
    [
      'a department of 3 beside bigger siblings: it is hidden, and so is the smallest sibling, down to its members',
      [[1, null, 10], [2, null, 12], [3, null, 3]],
      { subtree: { '3': 'small_group', '1': 'complementary' }, direct: { '3': 'small_group', '1': 'complementary' } },
    ],
    [
      "a parent's own 4 members hidden: the smallest child goes too (the direct members count as a part)",
      [[1, null, 4], [2, 1, 6], [3, 1, 8], [4, null, 20]],
      { subtree: { '2': 'complementary' }, direct: { '1': 'small_group', '2': 'complementary' } },
    ],
    [
      'two small parts that add up to fewer than k: a third goes too',
      [[1, null, 2], [2, null, 2], [3, null, 20]],
      { subtree: { '1': 'small_group', '2': 'small_group', '3': 'complementary' }, direct: { '1': 'small_group', '2': 'small_group', '3': 'complementary' } },
    ],
    [
      'two small parts of k or more together: enough',
      [[1, null, 3], [2, null, 4], [3, null, 20]],
      { subtree: { '1': 'small_group', '2': 'small_group' }, direct: { '1': 'small_group', '2': 'small_group' } },
    ],
    [
      'a small sub-department takes its parent’s own members with it, not a whole sibling subtree',
      [[1, null, 20], [2, 1, 3], [3, null, 30]],
      { subtree: { '2': 'small_group' }, direct: { '1': 'complementary', '2': 'small_group' } },
    ],
    [
      'an organisation smaller than k: everything hidden',
      [[1, null, 2], [2, 1, 1]],
      { subtree: { null: 'small_group', '1': 'small_group', '2': 'small_group' }, direct: { '1': 'small_group', '2': 'small_group' } },
    ],
    ['empty departments are no part of anything', [[1, null, 0], [2, null, 7], [3, 2, 0]], { subtree: {}, direct: {} }],
  ])('%s', (_, rows, expected) => {
    const t = tree(rows);
    expect(hidden(suppressTree(t.nodes, t.size, K))).toEqual(expected);
  });

  it('ties between equally small parts go by order', () => {
    const t = tree([[1, null, 3], [2, null, 6], [3, null, 6]]);
    expect(hidden(suppressTree(t.nodes, t.size, K)).subtree).toEqual({ '1': 'small_group', '2': 'complementary' });
  });

  it('a hidden sub-department whose larger part is shown hides only the rest: that rest is not left alone under the total above', () => {
    // 감사국: 1 direct member, 조사과 (no direct members) with 일반팀 (9) and 특별팀 (1); 복지국 3 + 노인과 3 + 아동과 20.
    const t = tree([[1, null, 1], [2, 1, 0], [3, 2, 9], [4, 2, 1], [5, null, 3], [6, 5, 3], [7, 5, 20]]);
    const result = suppressTree(t.nodes, t.size, K);
    // 감사국 (11) shown, 일반팀 (9) shown would leave 11 − 9 = 2 people: one of them must go.
    expect(!result.subtree.has(1) && !result.subtree.has(3)).toBe(false);
  });

  it('on random trees, no hidden figure is left alone under a shown total, and no hidden total is the sum of shown parts', () => {
    const random = seededRandom('suppression');
    for (let round = 0; round < 2000; round++) {
      const rows: [number, number | null, number][] = [];
      const count = 1 + Math.floor(random() * 14);
      for (let id = 1; id <= count; id++) {
        const parent = id === 1 || random() < 0.3 ? null : 1 + Math.floor(random() * (id - 1));
        rows.push([id, parent, random() < 0.2 ? 0 : Math.floor(random() * 12)]);
      }
      const t = tree(rows);
      const result = suppressTree(t.nodes, t.size, K);
      checkInvariants(rows, t.size, result);
    }
  });
});

function checkInvariants(rows: [number, number | null, number][], size: (id: number) => number, result: ReturnType<typeof suppressTree>) {
  const children = (id: NodeId) => rows.filter(([, p]) => p === id).map(([c]) => c);
  const subtreeSize = (id: NodeId): number => (id === ORGANISATION ? 0 : size(id)) + children(id).reduce((s, c) => s + subtreeSize(c), 0);
  const parts = (id: NodeId) => [
    ...(id !== ORGANISATION && size(id) > 0 ? [{ size: size(id), hidden: result.direct.has(id) }] : []),
    ...children(id)
      .filter((c) => subtreeSize(c) > 0)
      .map((c) => ({ size: subtreeSize(c), hidden: result.subtree.has(c) })),
  ];
  const context = JSON.stringify(rows);
  for (const id of [ORGANISATION, ...rows.map(([i]) => i)]) {
    const total = subtreeSize(id);
    if (total === 0) continue;
    if (total < K) expect(result.subtree.has(id), context).toBe(true);
    if (id !== ORGANISATION && size(id) > 0 && size(id) < K) expect(result.direct.has(id), context).toBe(true);
    const hiddenParts = parts(id).filter((p) => p.hidden);
    if (!result.subtree.has(id)) {
      expect(hiddenParts.length === 1, `${context}: lone hidden part under ${id}`).toBe(false);
      if (hiddenParts.length > 1) expect(hiddenParts.reduce((s, p) => s + p.size, 0), context).toBeGreaterThanOrEqual(K);
    } else {
      expect(hiddenParts.length, `${context}: hidden total ${id} is the sum of its shown parts`).toBeGreaterThan(0);
    }
  }
  // Subtracting every shown figure below a shown total, however deep, leaves no lone or small group.
  const residualCells = (id: NodeId): number[] => [
    ...(id !== ORGANISATION && size(id) > 0 && result.direct.has(id) ? [size(id)] : []),
    ...children(id)
      .filter((c) => subtreeSize(c) > 0 && result.subtree.has(c))
      .flatMap((c) => residualCells(c)),
  ];
  for (const id of [ORGANISATION, ...rows.map(([i]) => i)]) {
    if (subtreeSize(id) === 0 || result.subtree.has(id)) continue;
    const cells = residualCells(id);
    expect(cells.length === 1, `${context}: one group left by subtraction under ${id}`).toBe(false);
    if (cells.length > 1) expect(cells.reduce((a, b) => a + b, 0), `${context}: small group left by subtraction under ${id}`).toBeGreaterThanOrEqual(K);
  }
  // The flat export: the organisation total minus every shown department row.
  if (!result.subtree.has(ORGANISATION)) {
    const leaves = rows.filter(([id]) => size(id) > 0).map(([id]) => ({ size: size(id), hidden: result.direct.has(id) }));
    const hiddenLeaves = leaves.filter((l) => l.hidden);
    expect(hiddenLeaves.length === 1, `${context}: lone hidden row`).toBe(false);
    if (hiddenLeaves.length > 1) expect(hiddenLeaves.reduce((s, l) => s + l.size, 0)).toBeGreaterThanOrEqual(K);
  }
}
