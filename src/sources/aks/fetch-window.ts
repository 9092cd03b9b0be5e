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
import { planChunks, type SizeBin, type Targets } from './plan.js';
import type { QueryRunner } from './query-runner.js';
import { addRows, type RowCounts } from './rows.js';
import type { TablePlan } from './size-tables.js';
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
  checkpointBytes: number;
  /** The cursor update for "everything ingested before t is read" (incremental pulls). */
  cursorAt?: (t: number) => StateUpdate;
  signal: AbortSignal;
}

export async function readTable(o: ReadTableOptions): Promise<void> {
  const w = o.plan.window;
  const queue: Range[] = o.plan.chunks.map((c) => c.range);
  while (queue.length) {
    o.signal.throwIfAborted();
    const range = queue.shift()!;
    const slice = sliceOf(w.axis, range, o.target.latenessMs, w.horizon);
    const outcome = await o.runner.run(rowsQuery(o.target.table, o.target.resourceId, slice), slice.gen, o.target.table);
    if (outcome.kind === 'rows') {
      addRows(o.sink, o.sink.source(location(o.target, slice)), outcome.table, o.counts);
    } else {
      if (outcome.returned) o.targets.rows = Math.max(1, Math.min(o.targets.rows, Math.floor(outcome.returned * 0.9)));
      const parts = planChunks(range, binsIn(o.plan, range), o.targets).map((c) => c.range);
      if (parts.length > 1) {
        queue.unshift(...parts);
        continue;
      }
      if (range[1] - range[0] > 1) {
        const mid = range[0] + Math.floor((range[1] - range[0]) / 2);
        queue.unshift([range[0], mid], [mid, range[1]]);
        continue;
      }
      for (const h of halvesOrFail(o.target, slice, outcome.reason)) await fetchSlice(o.runner, o.target, h, o.sink, o.counts);
    }
    // The pieces are read in order, so every row before range[1] has been read.
    if (o.sink.bytes >= o.checkpointBytes) await o.checkpoint(o.cursorAt ? [o.cursorAt(range[1])] : []);
  }
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

function binsIn(plan: TablePlan, r: Range): SizeBin[] {
  return plan.bins.filter((b) => b.start < r[1] && b.start + plan.binMs > r[0]);
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
