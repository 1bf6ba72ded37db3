import { describe, expect, it } from 'vitest';
import { sparklineChanges, sparklinePath } from '../../../src/lib/dashboard/sparkline.ts';

describe('sparklineChanges', () => {
  it('marks each point whose run ran a different block hash than the point before', () => {
    expect(sparklineChanges([])).toBe('');
    expect(sparklineChanges(['a', 'a', 'a'])).toBe('');
    // Five points across 80 px: 20 px apart; the definition changed at the third and the fifth.
    expect(sparklineChanges(['a', 'a', 'b', 'b', 'c'])).toBe('M40.0,0 V18 M80.0,0 V18');
  });
});

/** The points of a path as numbers. */
function points(path: string): Array<[number, number]> {
  return path.split(' ').map((segment) => {
    const [x, y] = segment.slice(1).split(',').map(Number);
    return [x!, y!];
  });
}

describe('sparklinePath', () => {
  it('is empty without values', () => {
    expect(sparklinePath([])).toBe('');
  });

  it('draws one value as a single point on the baseline', () => {
    expect(sparklinePath([1234])).toBe('M0.0,17.0');
  });

  it('spreads the values across the width and scales them between the bottom and top margins', () => {
    expect(sparklinePath([100, 300, 200])).toBe('M0.0,17.0 L40.0,1.0 L80.0,9.0');
  });

  it('starts with a move and continues with lines, one per value', () => {
    const path = sparklinePath([5, 1, 9, 3, 7]);
    expect(path).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){4}$/);
    const xy = points(path);
    expect(xy.map(([x]) => x)).toEqual([0, 20, 40, 60, 80]);
    // Larger values are higher up: y grows downwards.
    expect(xy[2]![1]).toBe(1);
    expect(xy[1]![1]).toBe(17);
    expect(xy[0]![1]).toBeGreaterThan(xy[4]![1]);
  });

  it('draws equal values as a flat line instead of dividing by zero', () => {
    expect(sparklinePath([500, 500, 500])).toBe('M0.0,17.0 L40.0,17.0 L80.0,17.0');
  });

  it('fits any box it is given, keeping every point inside it', () => {
    const path = sparklinePath([3, 1, 4, 1, 5, 9, 2, 6], 200, 40);
    for (const [x, y] of points(path)) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(200);
      expect(y).toBeGreaterThanOrEqual(1);
      expect(y).toBeLessThanOrEqual(39);
    }
    expect(points(path).at(-1)![0]).toBe(200);
  });

  it('handles twenty points with one decimal each', () => {
    const path = sparklinePath(Array.from({ length: 20 }, (_, i) => i * 7));
    expect(path.split(' ')).toHaveLength(20);
    expect(path).not.toMatch(/NaN|Infinity/);
    expect(path.split(' ')[1]).toBe('L4.2,16.2');
  });
});
