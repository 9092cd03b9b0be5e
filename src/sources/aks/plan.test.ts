import { describe, expect, it } from 'vitest';
import { binSeconds, minimumQueries, planChunks } from './plan.js';

const bin = (start: number, rows: number, bytes = rows * 10) => ({ start, width: 10, rows, bytes });

describe('planChunks', () => {
  it('nothing to read: no chunks', () => {
    expect(planChunks([0, 100], [], { rows: 10, bytes: 1e9 })).toEqual([]);
    expect(planChunks([0, 100], [bin(10, 0)], { rows: 10, bytes: 1e9 })).toEqual([]);
  });

  it('groups consecutive bins under the row target; chunks cover the window without gaps', () => {
    const chunks = planChunks([5, 100], [bin(0, 4), bin(10, 4), bin(20, 4), bin(40, 9), bin(90, 1)], { rows: 10, bytes: 1e9 });
    expect(chunks.map((c) => [c.range, c.rows])).toEqual([
      [[5, 20], 8],
      [[20, 40], 4],
      [[40, 100], 10],
    ]);
  });

  it('respects the byte target too, and a bin over a target is a chunk of its own', () => {
    const chunks = planChunks([0, 50], [bin(0, 1, 60), bin(10, 1, 60), bin(20, 50), bin(30, 1)], { rows: 10, bytes: 100 });
    expect(chunks.map((c) => c.range)).toEqual([
      [0, 10],
      [10, 20],
      [20, 30],
      [30, 50],
    ]);
  });

  it('merges rows of the same bin (AzureDiagnostics answers per Category)', () => {
    expect(planChunks([0, 20], [bin(0, 3), bin(0, 4)], { rows: 10, bytes: 1e9 })).toEqual([{ range: [0, 20], rows: 7, bytes: 70 }]);
  });
});

describe('sizes', () => {
  it('bins: at most maxBins, at least a second', () => {
    expect(binSeconds([0, 86_400_000])).toBe(44);
    expect(binSeconds([0, 60_000])).toBe(1);
    expect(binSeconds([0, 3_600_000], 60)).toBe(60);
  });
  it('minimum queries for rows and bytes under the caps', () => {
    expect(minimumQueries(0, 0, { rows: 500_000, bytes: 100 })).toBe(0);
    expect(minimumQueries(1, 0, { rows: 500_000, bytes: 100 })).toBe(1);
    expect(minimumQueries(1_200_000, 50, { rows: 500_000, bytes: 100 })).toBe(3);
    expect(minimumQueries(10, 250, { rows: 500_000, bytes: 100 })).toBe(3);
  });
});
