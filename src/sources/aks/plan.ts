/**
 * Dividing a window into as few queries as the service caps allow, from a size query's rows and bytes
 * per time bin: consecutive bins are grouped while the group stays under the targets. The targets sit
 * below the caps because the size query estimates stored bytes, not the JSON the API returns. A bin
 * that alone exceeds a target becomes its own chunk; if the service still refuses it, the reader
 * halves it (fetch-window.ts).
 */
import type { Range } from './kql.js';

export interface SizeBin {
  /** Bin start (epoch ms) as the service computed it. */
  start: number;
  /** Bin width (ms). */
  width: number;
  rows: number;
  bytes: number;
}

export interface Chunk {
  range: Range;
  rows: number;
  bytes: number;
}

export interface Targets {
  rows: number;
  bytes: number;
}

export function planChunks(window: Range, bins: readonly SizeBin[], targets: Targets): Chunk[] {
  const merged = new Map<number, SizeBin>();
  for (const b of bins) {
    if (b.rows <= 0) continue;
    const m = merged.get(b.start);
    if (m) {
      m.rows += b.rows;
      m.bytes += b.bytes;
    } else merged.set(b.start, { ...b });
  }
  const sorted = [...merged.values()].sort((a, b) => a.start - b.start);
  if (!sorted.length) return [];

  const chunks: Chunk[] = [];
  let cur: Chunk = { range: [window[0], window[1]], rows: 0, bytes: 0 };
  for (const b of sorted) {
    const over = cur.rows + b.rows > targets.rows || cur.bytes + b.bytes > targets.bytes;
    // A chunk boundary sits at a bin start, which is always inside the window past the first bin.
    if (over && cur.rows > 0 && b.start > cur.range[0] && b.start < window[1]) {
      chunks.push({ ...cur, range: [cur.range[0], b.start] });
      cur = { range: [b.start, window[1]], rows: 0, bytes: 0 };
    }
    cur.rows += b.rows;
    cur.bytes += b.bytes;
  }
  chunks.push(cur);
  return chunks;
}

/** Bin width (whole seconds) that divides a window into at most `maxBins` bins (at least 1 s). */
export function binSeconds(window: Range, maxBins = 2000): number {
  return Math.max(1, Math.ceil((window[1] - window[0]) / Math.max(1, maxBins) / 1000));
}

/** The fewest queries the service caps allow for this many rows and bytes. */
export function minimumQueries(rows: number, bytes: number, caps: Targets): number {
  if (rows <= 0) return 0;
  return Math.max(1, Math.ceil(rows / caps.rows), Math.ceil(bytes / caps.bytes));
}
