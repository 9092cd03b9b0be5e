/**
 * Before reading, one size query per table: which of the candidate tables exist, how many rows and
 * bytes of this cluster each holds in the window (per time bin), and how to divide the window into the
 * fewest queries (plan.ts). With `table: auto` this is also how kubetrail finds where the cluster's
 * audit events are: every table that has rows in the window is read (landing drops the events that
 * two tables share, e.g. kube-audit and kube-audit-admin both enabled).
 */
import type { LogsTable } from '@azure/monitor-query-logs';
import { SourceError } from '../../errors.js';
import { sizeQuery, type AuditTable, type Axis, type Range, type Slice } from './kql.js';
import { binSeconds, planChunks, type Chunk, type SizeBin, type Targets } from './plan.js';
import { MissingTableError, withQuery, type QueryRunner } from './query-runner.js';
import { readCursor, streamName, tableWindow, type TableWindow, type WindowSettings } from './window.js';

export interface TablePlan {
  table: AuditTable;
  stream: string;
  window: TableWindow;
  /** False when the workspace has no such table. */
  present: boolean;
  rows: number;
  bytes: number;
  /** AzureDiagnostics: rows per Category. */
  categories: Record<string, number>;
  chunks: Chunk[];
  /** Rows and bytes per time bin, for dividing a chunk the service refused. */
  bins: SizeBin[];
  /** The size query was refused; the window is read as one chunk and divided on demand. */
  unsized?: string;
}

export interface SizeOptions {
  cluster: string;
  workspaceId: string;
  resourceId: string;
  tables: readonly AuditTable[];
  /** True when the job file named the table: its absence is then an error. */
  explicit: boolean;
  state: ReadonlyMap<string, unknown>;
  settings: WindowSettings;
  targets: Targets;
}

export async function sizeTables(runner: QueryRunner, o: SizeOptions): Promise<TablePlan[]> {
  const plans: TablePlan[] = [];
  for (const table of o.tables) {
    const stream = streamName(o.workspaceId, table);
    let window: TableWindow;
    try {
      window = tableWindow(readCursor(o.state.get(stream), table), o.settings);
    } catch (err) {
      throw new SourceError(o.cluster, 'aks', `pull_state stream ${stream}: ${(err as Error).message}`);
    }
    const plan: TablePlan = { table, stream, window, present: true, rows: 0, bytes: 0, categories: {}, chunks: [], bins: [] };
    plans.push(plan);
    if (!window.range || !window.slice) continue;
    let measured: Measured;
    try {
      measured = await measure(runner, table, o.resourceId, window.slice, window.axis, window.range);
    } catch (err) {
      if (!(err instanceof MissingTableError)) throw err;
      if (o.explicit) {
        throw new SourceError(
          o.cluster,
          'aks',
          withQuery(
            `workspace ${o.workspaceId} has no ${table} table (${err.message}). Check the cluster's diagnostic setting: ` +
              (table === 'AzureDiagnostics' ? 'it must send kube-audit in Azure-diagnostics mode' : `it must send ${table === 'AKSAudit' ? 'kube-audit' : 'kube-audit-admin'} in resource-specific mode`) +
              ', or use table: auto',
            err.query,
          ),
        );
      }
      plan.present = false;
      continue;
    }
    if (measured.kind === 'refused') {
      plan.unsized = measured.reason;
      plan.rows = Number.NaN;
      plan.chunks = [{ range: window.range, rows: Number.NaN, bytes: Number.NaN }];
      continue;
    }
    plan.bins = measured.bins;
    Object.assign(plan.categories, measured.categories);
    for (const b of measured.bins) {
      plan.rows += b.rows;
      plan.bytes += b.bytes;
    }
    plan.chunks = planChunks(window.range, measured.bins, o.targets);
  }
  return plans;
}

export type Measured = { kind: 'bins'; bins: SizeBin[]; categories: Record<string, number> } | { kind: 'refused'; reason: string };

/**
 * Rows and bytes per bin along `axis` over `range` (the part of `slice` to measure). An answer with
 * too many bins for the service is asked again with fewer, wider ones.
 */
export async function measure(
  runner: QueryRunner,
  table: AuditTable,
  resourceId: string,
  slice: Slice,
  axis: Axis,
  range: Range,
  maxBins = 2000,
): Promise<Measured> {
  let binS = binSeconds(range, maxBins);
  for (let attempt = 0; ; attempt++) {
    const outcome = await runner.run(sizeQuery(table, resourceId, slice, axis, binS), slice.gen, table);
    if (outcome.kind === 'rows') {
      const categories: Record<string, number> = {};
      return { kind: 'bins', bins: readBins(outcome.table, binS * 1000, categories), categories };
    }
    if (!outcome.returned || attempt >= 3) return { kind: 'refused', reason: outcome.reason };
    binS = Math.max(binS + 1, Math.ceil((range[1] - range[0]) / 1000 / Math.max(1, Math.floor(outcome.returned / 2))));
  }
}

function readBins(t: LogsTable, widthMs: number, categories: Record<string, number>): SizeBin[] {
  const names = t.columnDescriptors.map((c) => c.name);
  const [iBin, iRows, iBytes, iCat] = ['Bin', 'Rows', 'Bytes', 'Category'].map((n) => names.indexOf(n)) as [number, number, number, number];
  if (iBin < 0 || iRows < 0) throw new Error(`unexpected size query answer: columns ${names.join(', ')}`);
  return t.rows.map((r) => {
    const bin = r[iBin];
    const rows = Number(r[iRows]);
    if (iCat >= 0) {
      const c = String(r[iCat]);
      categories[c] = (categories[c] ?? 0) + rows;
    }
    return { start: bin instanceof Date ? bin.getTime() : Date.parse(String(bin)), width: widthMs, rows, bytes: iBytes >= 0 ? Number(r[iBytes]) || 0 : 0 };
  });
}
