/**
 * Which rows a pull of one table reads, and the cursor that says how far earlier pulls got.
 *
 * Incremental pulls follow ingestion time, not event time: a row that Log Analytics ingests late gets
 * a late ingestion time, so it is read by the first pull after it arrives, whatever its TimeGenerated.
 * The cursor is "every row ingested before T has been read" and is committed with those rows. Each run
 * reads ingestion times [T - overlap, now - settle): `settle` leaves time for rows stamped with an
 * ingestion time to become visible to queries (the stamp is approximate), `overlap` re-reads a little
 * for the same reason (landing drops what is already there). TimeGenerated, which the service indexes
 * and Basic tables require as the query's time range, is bounded by `lateness` before the window: a
 * row ingested more than `lateness` after it happened is not read by incremental pulls.
 *
 * A backfill (--since/--until) reads by TimeGenerated instead and leaves the cursor where it is.
 */
import type { AuditTable, Axis, Range, Slice } from './kql.js';

export const CURSOR_FORMAT = 1;
/** Rows ingested in the last SETTLE_MS are left for the next run. */
export const SETTLE_MS = 5 * 60e3;
/** Each run re-reads this much before the cursor. */
export const OVERLAP_MS = 2 * 60e3;
/** TimeGenerated may run ahead of the service's clock by this much. */
export const SKEW_MS = 5 * 60e3;
/** Default `lateness` for AKS. */
export const DEFAULT_LATENESS_MS = 2 * 3600e3;

export interface TableCursor {
  format_version: number;
  table: AuditTable;
  /** Every row of this cluster in `table` ingested before this time has been read (ISO). */
  ingested_before: string;
}

export const streamName = (workspaceId: string, table: AuditTable): string => `loganalytics:${workspaceId.toLowerCase()}:${table}`;

/** The cursor of a stream, or a message saying why it cannot be used. */
export function readCursor(raw: unknown, table: AuditTable): TableCursor | undefined {
  if (raw === undefined || raw === null) return undefined;
  const c = raw as Partial<TableCursor>;
  if (typeof c.format_version === 'number' && c.format_version > CURSOR_FORMAT) {
    throw new Error(`the saved position for ${table} was written by a newer kubetrail (format ${c.format_version}); upgrade kubetrail`);
  }
  if (typeof c.ingested_before !== 'string' || Number.isNaN(Date.parse(c.ingested_before))) {
    throw new Error(`the saved position for ${table} is not readable (${JSON.stringify(raw).slice(0, 120)}); delete its pull_state row to start again from lookback`);
  }
  return { format_version: c.format_version ?? CURSOR_FORMAT, table, ingested_before: c.ingested_before };
}

export const cursorState = (table: AuditTable, ingestedBefore: number): TableCursor => ({
  format_version: CURSOR_FORMAT,
  table,
  ingested_before: new Date(ingestedBefore).toISOString(),
});

export interface WindowSettings {
  now: number;
  lookbackMs: number;
  latenessMs: number;
  since?: number;
  until?: number;
}

export interface TableWindow {
  mode: 'incremental' | 'backfill';
  axis: Axis;
  /** The range on `axis` that chunks divide; undefined when there is nothing to read yet. */
  range?: Range;
  /** The whole window as one slice (what the size query covers). */
  slice?: Slice;
  /** Rows ingested from here on are left for the next run (now - settle). */
  horizon: number;
  /** Incremental: the cursor to commit once the window is read. */
  ingestedBefore?: number;
}

export function tableWindow(cursor: TableCursor | undefined, s: WindowSettings): TableWindow {
  const horizon = s.now - SETTLE_MS;
  const saved = cursor ? Date.parse(cursor.ingested_before) : undefined;
  if (s.since !== undefined || s.until !== undefined) {
    const lo = s.since ?? (saved !== undefined ? saved - s.latenessMs : s.now - s.lookbackMs);
    const hi = s.until ?? horizon + SKEW_MS;
    if (lo >= hi) return { mode: 'backfill', axis: 'generated', horizon };
    const range: Range = [lo, hi];
    return { mode: 'backfill', axis: 'generated', range, slice: sliceOf('generated', range, s.latenessMs, horizon), horizon };
  }
  const lo = saved !== undefined ? saved - OVERLAP_MS : s.now - s.lookbackMs;
  if (lo >= horizon) return { mode: 'incremental', axis: 'ingestion', horizon };
  const range: Range = [lo, horizon];
  return { mode: 'incremental', axis: 'ingestion', range, slice: sliceOf('ingestion', range, s.latenessMs, horizon), horizon, ingestedBefore: horizon };
}

/** The slice for a range of the axis: ingestion ranges carry the TimeGenerated range they need. */
export function sliceOf(axis: Axis, r: Range, latenessMs: number, horizon: number): Slice {
  return axis === 'ingestion' ? { ing: r, gen: [r[0] - latenessMs, r[1] + SKEW_MS] } : { gen: r, ingBefore: horizon };
}

/**
 * Two halves of a slice that could not be read at once: along its axis while that is wider than a
 * millisecond, then along TimeGenerated (many rows ingested in the same millisecond). Undefined when
 * nothing is left to divide.
 */
export function halve(slice: Slice, axis: Axis, latenessMs: number): [Slice, Slice] | undefined {
  const mid = (r: Range): number => r[0] + Math.floor((r[1] - r[0]) / 2);
  if (axis === 'ingestion' && slice.ing && slice.ing[1] - slice.ing[0] > 1) {
    const m = mid(slice.ing);
    const clip = (g: Range): Range => [Math.max(g[0], slice.gen[0]), Math.min(g[1], slice.gen[1])];
    return [
      { ing: [slice.ing[0], m], gen: clip([slice.ing[0] - latenessMs, m + SKEW_MS]) },
      { ing: [m, slice.ing[1]], gen: clip([m - latenessMs, slice.ing[1] + SKEW_MS]) },
    ];
  }
  if (slice.gen[1] - slice.gen[0] > 1) {
    const m = mid(slice.gen);
    return [
      { ...slice, gen: [slice.gen[0], m] },
      { ...slice, gen: [m, slice.gen[1]] },
    ];
  }
  return undefined;
}
