/**
 * The statistics of an effect report, pure: Wilson score intervals for one proportion and Newcombe's
 * hybrid score interval for a difference of two independent proportions (Newcombe 1998, "Interval
 * estimation for the difference between independent proportions", method 10). No bootstrap, so the
 * same counts always give the same interval.
 */

/** The two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

export interface Interval {
  lower: number;
  upper: number;
}

/** Wilson's score interval for x successes of n (n ≥ 1). */
export function wilson(x: number, n: number, z = Z95): Interval {
  if (!Number.isInteger(x) || !Number.isInteger(n) || n < 1 || x < 0 || x > n) throw new RangeError(`wilson: bad counts ${x}/${n}`);
  const p = x / n;
  const z2 = z * z;
  const centre = 2 * n * p + z2;
  const spread = z * Math.sqrt(z2 + 4 * n * p * (1 - p));
  const denominator = 2 * (n + z2);
  // At the edges the bounds are exactly 0 and 1, not a rounding error away from them.
  return { lower: x === 0 ? 0 : (centre - spread) / denominator, upper: x === n ? 1 : (centre + spread) / denominator };
}

export interface Difference extends Interval {
  /** p1 − p2. */
  estimate: number;
}

/** Newcombe's hybrid score interval for p1 − p2, from the two Wilson intervals. */
export function newcombe(x1: number, n1: number, x2: number, n2: number, z = Z95): Difference {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const a = wilson(x1, n1, z);
  const b = wilson(x2, n2, z);
  const estimate = p1 - p2;
  return {
    estimate,
    lower: estimate - Math.sqrt((p1 - a.lower) ** 2 + (b.upper - p2) ** 2),
    upper: estimate + Math.sqrt((a.upper - p1) ** 2 + (p2 - b.lower) ** 2),
  };
}

export interface GroupCounts {
  /** Members assigned to the group. */
  assigned: number;
  /** Members whose outcome could be measured. */
  n: number;
  /** Of those, how many had the outcome. */
  x: number;
}

export interface Comparison {
  treated: GroupCounts;
  heldOut: GroupCounts;
  /** Treated − held out, with its 95% interval; null when either group is below the minimum size. */
  difference: Difference | null;
}

/** Treated against held out, one outcome per member; nothing is estimated from a group below `minGroupSize`. */
export function compareGroups(assigned: readonly { memberId: number; heldOut: boolean }[], outcomes: ReadonlyMap<number, boolean | null>, minGroupSize: number): Comparison {
  const treated: GroupCounts = { assigned: 0, n: 0, x: 0 };
  const heldOut: GroupCounts = { assigned: 0, n: 0, x: 0 };
  for (const a of assigned) {
    const group = a.heldOut ? heldOut : treated;
    group.assigned++;
    const outcome = outcomes.get(a.memberId);
    if (outcome === null || outcome === undefined) continue;
    group.n++;
    if (outcome) group.x++;
  }
  const shown = treated.n >= Math.max(minGroupSize, 1) && heldOut.n >= Math.max(minGroupSize, 1);
  return { treated, heldOut, difference: shown ? newcombe(treated.x, treated.n, heldOut.x, heldOut.n) : null };
}
