import { describe, expect, it } from 'vitest';
import { boundingWindow, inWindow, plan, readCursor } from './cursor.js';
import { formatRfc3339, parseRfc3339 } from './timestamp.js';

const NOW = new Date('2026-11-20T12:00:00Z');
const O = { now: NOW, lookbackMs: 24 * 3600e3, latenessMs: 3600e3, settleMs: 30e3, overlapMs: 120e3 };
const show = (w: { receivedFrom?: bigint; receivedBefore?: bigint; timestampFrom: bigint; timestampBefore?: bigint }) =>
  Object.fromEntries(Object.entries(w).filter(([, v]) => v !== undefined).map(([k, v]) => [k, formatRfc3339(v as bigint)]));

describe('GKE cursor planning', () => {
  it('first run: the lookback, everything received up to now - settle', () => {
    const p = plan({}, O);
    expect(p.windows.map(show)).toEqual([{ receivedBefore: '2026-11-20T11:59:30Z', timestampFrom: '2026-11-19T12:00:00Z' }]);
    expect(p.complete).toEqual({ receivedBefore: '2026-11-20T11:59:30Z' });
    expect(p.progress(parseRfc3339('2026-11-20T01:00:00.5Z')!)).toEqual({ pending: { receivedBefore: '2026-11-20T11:59:30Z', resumeAt: '2026-11-20T01:00:00.500Z' } });
  });

  it('next run: receive window overlapping the last by overlap, timestamps back by lateness', () => {
    const p = plan({ receivedBefore: '2026-11-20T11:00:00Z' }, O);
    expect(p.windows.map(show)).toEqual([{ receivedFrom: '2026-11-20T10:58:00Z', receivedBefore: '2026-11-20T11:59:30Z', timestampFrom: '2026-11-20T09:58:00Z' }]);
  });

  it('a run too soon after the last reads nothing and never moves the cursor back', () => {
    const p = plan({ receivedBefore: '2026-11-20T12:30:00Z' }, O);
    expect(p.windows).toEqual([]);
    expect(p.complete).toEqual({ receivedBefore: '2026-11-20T12:30:00Z' });
  });

  it('resumes a pending window from resumeAt and reads what arrived since in a second window', () => {
    const p = plan({ receivedBefore: '2026-11-20T10:00:00Z', pending: { receivedBefore: '2026-11-20T11:00:00Z', resumeAt: '2026-11-20T10:30:00Z' } }, O);
    expect(p.windows.map(show)).toEqual([
      { receivedFrom: '2026-11-20T09:58:00Z', receivedBefore: '2026-11-20T11:00:00Z', timestampFrom: '2026-11-20T10:30:00Z' },
      { receivedFrom: '2026-11-20T10:58:00Z', receivedBefore: '2026-11-20T11:59:30Z', timestampFrom: '2026-11-20T09:58:00Z' },
    ]);
    expect(show(boundingWindow(p.windows))).toEqual({ receivedFrom: '2026-11-20T09:58:00Z', receivedBefore: '2026-11-20T11:59:30Z', timestampFrom: '2026-11-20T09:58:00Z' });
    // An entry in the box but in neither window (received early, timestamp before resumeAt) was landed before.
    expect(p.windows.some((w) => inWindow(w, parseRfc3339('2026-11-20T10:10:00Z')!, parseRfc3339('2026-11-20T10:20:00Z')!))).toBe(false);
    expect(p.windows.some((w) => inWindow(w, parseRfc3339('2026-11-20T10:10:00Z')!, parseRfc3339('2026-11-20T11:20:00Z')!))).toBe(true);
    expect(p.complete).toEqual({ receivedBefore: '2026-11-20T11:59:30Z' });
    expect(p.progress(parseRfc3339('2026-11-20T10:45:00Z')!)).toEqual({
      receivedBefore: '2026-11-20T10:00:00Z',
      pending: { receivedBefore: '2026-11-20T11:59:30Z', resumeAt: '2026-11-20T10:45:00Z' },
    });
  });

  it('--until caps an incremental run; --since makes a backfill that keeps the cursor unless it covers the run', () => {
    expect(plan({ receivedBefore: '2026-11-20T11:00:00Z' }, { ...O, until: new Date('2026-11-20T11:30:00Z') }).complete).toEqual({ receivedBefore: '2026-11-20T11:30:00Z' });
    const narrow = plan({ receivedBefore: '2026-11-20T11:00:00Z' }, { ...O, since: new Date('2026-11-20T10:00:00Z') });
    expect(narrow.kind).toBe('backfill');
    expect(narrow.progress(0n)).toBeUndefined();
    expect(narrow.complete).toBeUndefined(); // 10:00 is after 09:58, where the incremental run starts
    const wide = plan({ receivedBefore: '2026-11-20T11:00:00Z' }, { ...O, since: new Date('2026-11-20T09:00:00Z') });
    expect(wide.windows.map(show)).toEqual([{ timestampFrom: '2026-11-20T09:00:00Z', receivedBefore: '2026-11-20T11:59:30Z' }]);
    expect(wide.complete).toEqual({ receivedBefore: '2026-11-20T11:59:30Z' });
    const bounded = plan({}, { ...O, since: new Date('2026-11-01T00:00:00Z'), until: new Date('2026-11-02T00:00:00Z') });
    expect(bounded.windows.map(show)).toEqual([{ timestampFrom: '2026-11-01T00:00:00Z', timestampBefore: '2026-11-02T00:00:00Z' }]);
    expect(bounded.complete).toBeUndefined();
  });

  it('equal windows share a key, different ones do not', () => {
    expect(plan({ receivedBefore: '2026-11-20T11:00:00Z' }, O).key).toBe(plan({ receivedBefore: '2026-11-20T11:00:00Z' }, O).key);
    expect(plan({ receivedBefore: '2026-11-20T11:00:00Z' }, O).key).not.toBe(plan({}, O).key);
  });

  it('refuses a stored cursor it cannot read, saying what to do', () => {
    expect(() => readCursor({ receivedBefore: 'soon' })).toThrow(/delete its pull_state row/);
    expect(readCursor(undefined)).toEqual({});
  });
});
