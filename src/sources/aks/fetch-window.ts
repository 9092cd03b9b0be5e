/**
 * Reading one table's window completely, chunk by chunk in order, committing the cursor with the rows
 * at chunk boundaries. When the service cannot return a chunk at once (partial result, truncation, too
 * large, timed out), the chunk is divided again: by its size bins, with the row target lowered to what
 * the refused answer carried, else in halves of time; a piece narrower than a millisecond is divided
 * along TimeGenerated. Rows reach the sink only from complete answers, so nothing is dropped silently;
 * a piece that cannot be divided any further fails the pull with what the service said.
 */
import { SourceError } from '../../errors.js';
import type { Checkpoint, RecordSink, StateUpdate } from '../types.js';
import { rowsQuery, type AuditTable, type Axis, type Range, type Slice } from './kql.js';
import { binSeconds, planChunks, type SizeBin, type Targets } from './plan.js';
import type { QueryRunner } from './query-runner.js';
import { addRows, type RowCounts } from './rows.js';
import { measure, type TablePlan } from './size-tables.js';
import { halve, sliceOf } from './window.js';

export interface FetchTarget {
  cluster: string;
  workspaceId: string;
  table: AuditTable;
  resourceId: string;
  axis: Axis;
  latenessMs: number;
}

export interface ReadTableOptions {
  runner: QueryRunner;
  target: FetchTarget;
  plan: TablePlan;
  /** Row and byte targets per query; lowered here when the service refuses an answer. */
  targets: Targets;
  sink: RecordSink;
  counts: RowCounts;
  checkpoint: Checkpoint;
  /** What to commit with the rows when everything before t has been read (cursor rows). */
  stateAt: (t: number) => StateUpdate[];
  signal: AbortSignal;
}

export async function readTable(o: ReadTableOptions): Promise<void> {
  const w = o.plan.window;
  const queue: Range[] = o.plan.chunks.map((c) => c.range);
  while (queue.length) {
    o.signal.throwIfAborted();
    const range = queue.shift()!;
    const slice = sliceOf(w.axis, range, o.target.latenessMs, w.horizon);
    // Known to be over the target (e.g. after the target was lowered): divide before asking.
    if (estimate(o.plan.bins, range) > o.targets.rows) {
      const parts = await divide(o, range, slice, false);
      if (parts.length > 1) {
        queue.unshift(...parts);
        continue;
      }
    }
    const outcome = await o.runner.run(rowsQuery(o.target.table, o.target.resourceId, slice), slice.gen, o.target.table);
    if (outcome.kind === 'rows') {
      addRows(o.sink, o.sink.source(location(o.target, slice)), outcome.table, o.counts);
    } else {
      if (outcome.returned) o.targets.rows = Math.max(1, Math.min(o.targets.rows, Math.floor(outcome.returned * 0.9)));
      const parts = await divide(o, range, slice, true);
      if (parts.length > 1) {
        queue.unshift(...parts);
        continue;
      }
      for (const h of halvesOrFail(o.target, slice, outcome.reason)) await fetchSlice(o.runner, o.target, h, o.sink, o.counts);
    }
    // The pieces are read in order, so every row before range[1] has been read.
    if (o.sink.due) await o.checkpoint(o.stateAt(range[1]));
  }
}

/**
 * Pieces of a range that should each fit the targets: by the size bins; by finer bins measured now
 * when the known ones are too coarse; else (`halve`, after a refusal) two halves of time. One piece:
 * nothing better is known, or it cannot be divided on its axis (narrower than 2 ms).
 */
async function divide(o: ReadTableOptions, range: Range, slice: Slice, halve: boolean): Promise<Range[]> {
  let parts = planChunks(range, binsIn(o.plan.bins, range), o.targets).map((c) => c.range);
  if (parts.length > 1) return parts;
  const maxBins = Math.max(2, Math.min(2000, Math.floor(o.targets.rows * 0.9)));
  const finer = binSeconds(range, maxBins) * 1000;
  const widths = binsIn(o.plan.bins, range).map((b) => b.width);
  const known = widths.length ? Math.max(...widths) : Number.POSITIVE_INFINITY;
  if (finer < known && range[1] - range[0] > 2000) {
    const m = await measure(o.runner, o.target.table, o.target.resourceId, slice, o.plan.window.axis, range, maxBins);
    if (m.kind === 'bins') {
      o.plan.bins = [...o.plan.bins.filter((b) => b.start + b.width <= range[0] || b.start >= range[1]), ...m.bins];
      parts = planChunks(range, m.bins, o.targets).map((c) => c.range);
      if (parts.length > 1) return parts;
    }
  }
  if (halve && range[1] - range[0] > 1) {
    const mid = range[0] + Math.floor((range[1] - range[0]) / 2);
    return [
      [range[0], mid],
      [mid, range[1]],
    ];
  }
  return [range];
}

/** Rows the bins say a range holds (bins straddling its ends count whole); 0 when nothing is known. */
function estimate(bins: readonly SizeBin[], r: Range): number {
  return binsIn(bins, r).reduce((n, b) => n + b.rows, 0);
}

/** Read a slice, halving it on refusal (no size information left to divide it by). */
export async function fetchSlice(runner: QueryRunner, target: FetchTarget, slice: Slice, sink: RecordSink, counts: RowCounts): Promise<void> {
  const outcome = await runner.run(rowsQuery(target.table, target.resourceId, slice), slice.gen, target.table);
  if (outcome.kind === 'rows') {
    addRows(sink, sink.source(location(target, slice)), outcome.table, counts);
    return;
  }
  for (const h of halvesOrFail(target, slice, outcome.reason)) await fetchSlice(runner, target, h, sink, counts);
}

function halvesOrFail(target: FetchTarget, slice: Slice, reason: string): [Slice, Slice] {
  const halves = halve(slice, target.axis, target.latenessMs);
  if (halves) return halves;
  throw new SourceError(
    target.cluster,
    'aks',
    `${target.table} rows at ${describeSlice(slice)} cannot be read within the service's limits even one millisecond at a time (${reason}); nothing after the last committed position was kept`,
  );
}

function binsIn(bins: readonly SizeBin[], r: Range): SizeBin[] {
  return bins.filter((b) => b.start < r[1] && b.start + b.width > r[0]);
}

const iso = (ms: number): string => new Date(ms).toISOString();

function describeSlice(slice: Slice): string {
  const gen = `TimeGenerated ${iso(slice.gen[0])}..${iso(slice.gen[1])}`;
  return slice.ing ? `ingestion time ${iso(slice.ing[0])}..${iso(slice.ing[1])}, ${gen}` : gen;
}

/** Where a row came from, precise enough to run the query again (audit_events.source, quarantine). */
export function location(target: FetchTarget, slice: Slice): string {
  const ws = `loganalytics:${target.workspaceId.toLowerCase()}/${target.table}`;
  return slice.ing ? `${ws}?ingested=${iso(slice.ing[0])}/${iso(slice.ing[1])}` : `${ws}?generated=${iso(slice.gen[0])}/${iso(slice.gen[1])}`;
}
