import { describe, expect, it } from 'vitest';
import { planWindows, SlicePrefix, watermarkAfter, type WindowPlanInput } from './plan-windows.js';

const MIN = 60_000;
const H = 60 * MIN;
const NOW = Date.UTC(2025, 4, 1, 12, 0, 0);

const base: WindowPlanInput = {
  now: NOW,
  latenessMs: 10 * MIN,
  lookbackMs: 24 * H,
  settleMs: 1 * MIN,
  minSliceMs: 15 * MIN,
  maxSliceMs: 6 * H,
  parallel: 4,
};

describe('planWindows', () => {
  it('first run: look back from now, stop a settle margin before now', () => {
    const p = planWindows(base);
    expect(p.kind).toBe('first');
    expect(p.start).toBe(NOW - 24 * H);
    expect(p.end).toBe(NOW - MIN);
    expect(p.advances).toBe(true);
  });

  it('incremental run: start `lateness` before the watermark', () => {
    const w = NOW - 30 * MIN;
    const p = planWindows({ ...base, watermark: w });
    expect(p.kind).toBe('incremental');
    expect(p.start).toBe(w - 10 * MIN);
    expect(p.end).toBe(NOW - MIN);
  });

  it('slices are contiguous, half-open and cover the window exactly', () => {
    for (const span of [1, 7, 14 * MIN, 16 * MIN, 61 * MIN, 24 * H, 7 * 24 * H + 13]) {
      const p = planWindows({ ...base, lookbackMs: span + MIN });
      expect(p.slices[0]!.start).toBe(p.start);
      expect(p.slices.at(-1)!.end).toBe(p.end);
      for (let k = 1; k < p.slices.length; k++) expect(p.slices[k]!.start).toBe(p.slices[k - 1]!.end);
      for (const s of p.slices) {
        expect(s.end).toBeGreaterThan(s.start);
        expect(Number.isInteger(s.start) && Number.isInteger(s.end)).toBe(true);
        expect(s.end - s.start).toBeLessThanOrEqual(6 * H);
      }
    }
  });

  it('a short window is one slice; a day is cut into `parallel` slices; a week into slices of at most maxSliceMs', () => {
    expect(planWindows({ ...base, watermark: NOW - 5 * MIN }).slices).toHaveLength(1);
    expect(planWindows(base).slices).toHaveLength(4);
    expect(planWindows({ ...base, parallel: 2 }).slices).toHaveLength(4); // 24 h / 6 h max
    const week = planWindows({ ...base, lookbackMs: 7 * 24 * H });
    expect(week.slices).toHaveLength(28);
    // 40 min with 15 min minimum: two slices, not four
    expect(planWindows({ ...base, watermark: NOW - 31 * MIN, latenessMs: 10 * MIN }).slices).toHaveLength(2);
  });

  it('nothing to fetch when the watermark is already past now - settle', () => {
    const p = planWindows({ ...base, watermark: NOW, latenessMs: 0 });
    expect(p.slices).toEqual([]);
    expect(p.end).toBeLessThanOrEqual(p.start);
  });

  it('backfill --since/--until: fetches exactly that window, never past now - settle', () => {
    const since = NOW - 3 * 24 * H;
    const until = NOW - 2 * 24 * H;
    const p = planWindows({ ...base, watermark: NOW - 5 * MIN, since, until });
    expect(p.kind).toBe('backfill');
    expect([p.start, p.end]).toEqual([since, until]);
    expect(planWindows({ ...base, since, until: NOW + H }).end).toBe(NOW - MIN);
  });

  it('a backfill never moves the watermark backwards', () => {
    const w = NOW - 5 * MIN;
    const p = planWindows({ ...base, watermark: w, since: NOW - 3 * 24 * H, until: NOW - 2 * 24 * H });
    expect(p.advances).toBe(true);
    expect(watermarkAfter(p, w, p.end)).toBe(w);
  });

  it('a backfill that starts after the watermark does not claim the gap before it', () => {
    const w = NOW - 5 * H;
    const p = planWindows({ ...base, watermark: w, since: NOW - 2 * H });
    expect(p.advances).toBe(false);
    expect(watermarkAfter(p, w, p.end)).toBe(w);
  });

  it('a backfill that reaches from before the watermark to now moves it forward', () => {
    const w = NOW - 5 * H;
    const p = planWindows({ ...base, watermark: w, since: NOW - 6 * H });
    expect(watermarkAfter(p, w, p.end)).toBe(NOW - MIN);
  });

  it('a first run with --since starts there instead of the look-back', () => {
    const p = planWindows({ ...base, since: NOW - 2 * H });
    expect(p.start).toBe(NOW - 2 * H);
    expect(watermarkAfter(p, undefined, p.end)).toBe(NOW - MIN);
  });

  it('rounds fractional clocks down to whole milliseconds', () => {
    const p = planWindows({ ...base, now: NOW + 0.7, settleMs: 0, watermark: NOW - MIN + 0.2 });
    expect(Number.isInteger(p.start) && Number.isInteger(p.end)).toBe(true);
  });
});

describe('SlicePrefix', () => {
  it('reports progress only when every earlier slice is done', () => {
    const slices = [
      { start: 0, end: 10 },
      { start: 10, end: 20 },
      { start: 20, end: 30 },
      { start: 30, end: 40 },
    ];
    const p = new SlicePrefix(slices);
    expect(p.finish(2)).toBeUndefined();
    expect(p.finish(1)).toBeUndefined();
    expect(p.finish(0)).toBe(30);
    expect(p.complete).toBe(false);
    expect(p.finish(3)).toBe(40);
    expect(p.complete).toBe(true);
  });
});
