import { describe, expect, it } from 'vitest';
import { newcombe, wilson } from '../../src/features/holdout/effect.js';

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

describe('Wilson score interval', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I, method 3.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i/%i gives %f to %f', (x, n, lower, upper) => {
    const interval = wilson(x, n);
    expect(round4(interval.lower)).toBe(lower);
    expect(round4(interval.upper)).toBe(upper);
  });

  it('refuses counts that are not a proportion', () => {
    expect(() => wilson(3, 2)).toThrow(RangeError);
    expect(() => wilson(0, 0)).toThrow(RangeError);
    expect(() => wilson(-1, 5)).toThrow(RangeError);
  });
});

describe('Newcombe hybrid score interval for a difference of proportions', () => {
  // Newcombe (1998), "Interval estimation for the difference between independent proportions",
  // Table II, method 10: the worked examples (a), (b), (d)–(h).
  it.each([
    [56, 70, 48, 80, 0.2, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.6, 0.1705, 0.809],
    [5, 56, 0, 29, 0.0893, -0.0381, 0.1926],
    [0, 10, 0, 20, 0, -0.1611, 0.2775],
    [0, 10, 0, 10, 0, -0.2775, 0.2775],
    [10, 10, 0, 20, 1, 0.6791, 1],
    [10, 10, 0, 10, 1, 0.6075, 1],
  ])('%i/%i − %i/%i = %f (%f to %f)', (x1, n1, x2, n2, estimate, lower, upper) => {
    const d = newcombe(x1, n1, x2, n2);
    expect(round4(d.estimate)).toBe(estimate);
    expect(round4(d.lower)).toBe(lower);
    expect(round4(d.upper)).toBe(upper);
  });

  it('is antisymmetric: swapping the groups mirrors the interval', () => {
    const d = newcombe(30, 50, 20, 45);
    const swapped = newcombe(20, 45, 30, 50);
    expect(swapped.lower).toBeCloseTo(-d.upper, 12);
    expect(swapped.upper).toBeCloseTo(-d.lower, 12);
  });
});
