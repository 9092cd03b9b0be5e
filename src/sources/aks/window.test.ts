import { describe, expect, it } from 'vitest';
import { halve, OVERLAP_MS, readCursor, SETTLE_MS, SKEW_MS, tableWindow } from './window.js';

const H = 3600e3;
const now = Date.UTC(2026, 5, 1, 12);
const base = { now, lookbackMs: 24 * H, latenessMs: 2 * H };

describe('tableWindow', () => {
  it('first run: ingestion [now - lookback, now - settle), TimeGenerated widened by lateness and skew', () => {
    const w = tableWindow(undefined, base);
    expect(w).toMatchObject({ mode: 'incremental', axis: 'ingestion', range: [now - 24 * H, now - SETTLE_MS], ingestedBefore: now - SETTLE_MS });
    expect(w.slice).toEqual({ ing: [now - 24 * H, now - SETTLE_MS], gen: [now - 26 * H, now - SETTLE_MS + SKEW_MS] });
  });

  it('next runs start at the cursor minus the overlap', () => {
    const w = tableWindow({ format_version: 1, table: 'AKSAudit', ingested_before: new Date(now - H).toISOString() }, base);
    expect(w.range).toEqual([now - H - OVERLAP_MS, now - SETTLE_MS]);
  });

  it('nothing to read when the cursor is within the settle time', () => {
    const w = tableWindow({ format_version: 1, table: 'AKSAudit', ingested_before: new Date(now - 60e3).toISOString() }, base);
    expect(w.range).toBeUndefined();
    expect(w.ingestedBefore).toBeUndefined();
  });

  it('backfills read TimeGenerated [since, until) and carry no cursor', () => {
    const w = tableWindow(undefined, { ...base, since: now - 48 * H, until: now - 24 * H });
    expect(w).toMatchObject({ mode: 'backfill', axis: 'generated', range: [now - 48 * H, now - 24 * H] });
    expect(w.slice).toEqual({ gen: [now - 48 * H, now - 24 * H], ingBefore: now - SETTLE_MS });
    expect(w.ingestedBefore).toBeUndefined();
  });

  it('an unreadable or newer cursor is refused with a message', () => {
    expect(() => readCursor({ format_version: 2, ingested_before: 'x' }, 'AKSAudit')).toThrow(/newer kubetrail/);
    expect(() => readCursor({ format_version: 1 }, 'AKSAudit')).toThrow(/not readable.*delete its pull_state row/);
  });
});

describe('halve', () => {
  it('halves ingestion first, keeping each half\'s TimeGenerated range inside the slice', () => {
    const [a, b] = halve({ ing: [0, 100], gen: [-50, 150] }, 'ingestion', 20)!;
    expect(a).toEqual({ ing: [0, 50], gen: [-20, 150] });
    expect(b).toEqual({ ing: [50, 100], gen: [30, 150] });
  });
  it('then TimeGenerated when ingestion is a millisecond wide; then nothing', () => {
    expect(halve({ ing: [7, 8], gen: [0, 10] }, 'ingestion', 5)).toEqual([
      { ing: [7, 8], gen: [0, 5] },
      { ing: [7, 8], gen: [5, 10] },
    ]);
    expect(halve({ ing: [7, 8], gen: [3, 4] }, 'ingestion', 5)).toBeUndefined();
  });
});
