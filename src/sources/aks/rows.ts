/**
 * Handing a query result to the sink: one record per row, `{column: value}` exactly as the query client
 * decoded it (dynamic columns parsed, or left as text when they are not JSON), Dates as ISO text.
 * Counts what the run summary reports: rows, bodies AKS replaced because they were too big, and how
 * late rows arrived (ingestion time minus TimeGenerated).
 */
import type { LogsTable } from '@azure/monitor-query-logs';
import type { RecordSink } from '../types.js';

/** What AKS puts in place of a request or response body over its size limit. */
export const TRUNCATED_BODY = 'skipped-too-big-size-object';

export interface RowCounts {
  rows: number;
  truncatedBodies: number;
  maxDelayMs: number;
}

export const emptyRowCounts = (): RowCounts => ({ rows: 0, truncatedBodies: 0, maxDelayMs: 0 });

export function addRows(sink: RecordSink, source: number, table: LogsTable, counts: RowCounts): void {
  const names = table.columnDescriptors.map((c) => c.name ?? '');
  const col = (name: string): number => names.indexOf(name);
  const [iReq, iResp, iLog, iGen, iIng] = ['RequestObject', 'ResponseObject', 'log_s', 'TimeGenerated', 'IngestionTime'].map(col) as [
    number,
    number,
    number,
    number,
    number,
  ];
  table.rows.forEach((row, n) => {
    const record: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const v = row[i];
      record[names[i]!] = v instanceof Date ? v.toISOString() : v;
    }
    sink.addValue(source, n + 1, record);
    counts.rows++;
    if (
      row[iReq] === TRUNCATED_BODY ||
      row[iResp] === TRUNCATED_BODY ||
      (iLog >= 0 && typeof row[iLog] === 'string' && (row[iLog] as string).includes(`"${TRUNCATED_BODY}"`))
    ) {
      counts.truncatedBodies++;
    }
    const delay = timeOf(row[iIng]) - timeOf(row[iGen]);
    if (delay > counts.maxDelayMs) counts.maxDelayMs = delay;
  });
}

function timeOf(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  return typeof v === 'string' ? Date.parse(v) : Number.NaN;
}
