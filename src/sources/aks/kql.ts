/**
 * The KQL kubetrail sends to Log Analytics: one query shape to size a window (rows and bytes per time
 * bin) and one to read it, for each table that can hold AKS audit events. The time range on
 * TimeGenerated always travels as the API's `timespan` (Basic and Auxiliary tables accept it nowhere
 * else); ingestion time is filtered in the query. Only the columns the normaliser reads are selected,
 * and datetimes are sent as text so that their 100 ns precision survives (the SDK would make them Dates).
 */

export type AuditTable = 'AKSAudit' | 'AKSAuditAdmin' | 'AzureDiagnostics';
export const AUDIT_TABLES: readonly AuditTable[] = ['AKSAudit', 'AKSAuditAdmin', 'AzureDiagnostics'];

/** AzureDiagnostics categories that hold audit events; kube-audit-admin has no get/list. */
export const AUDIT_CATEGORIES = ['kube-audit', 'kube-audit-admin'] as const;

// Columns of AKSAudit / AKSAuditAdmin the aks-table envelope reads (documented schema; there is no
// ImpersonatedUser column). _ResourceId and the API server pod go into envelope_record.
const TABLE_COLUMNS = [
  'AuditId', 'Level', 'Stage', 'RequestUri', 'Verb', 'User', 'SourceIps', 'UserAgent', 'ObjectRef',
  'ResponseStatus', 'RequestObject', 'ResponseObject', 'Annotations', 'Type', 'PodName', '_ResourceId',
];
const TABLE_TIMES = ['RequestReceivedTime', 'StageReceivedTime'];
const DIAGNOSTICS_COLUMNS = ['Category', 'log_s', 'pod_s', '_ResourceId'];

export function projection(table: AuditTable): string {
  const common = ['TimeGenerated = tostring(TimeGenerated)', 'IngestionTime = tostring(ingestion_time())'];
  if (table === 'AzureDiagnostics') return [...common, ...DIAGNOSTICS_COLUMNS].join(', ');
  return [...common, ...TABLE_COLUMNS, ...TABLE_TIMES.map((c) => `${c} = tostring(${c})`)].join(', ');
}

/** Columns whose size `estimate_data_size` adds up for the size of a read. */
function sizedColumns(table: AuditTable): string {
  return (table === 'AzureDiagnostics' ? DIAGNOSTICS_COLUMNS : [...TABLE_COLUMNS, ...TABLE_TIMES, 'TimeGenerated']).join(', ');
}

/** A KQL string literal. Resource IDs come from the job file; nothing reaches the query unescaped. */
export function kqlString(s: string): string {
  if (/[\u0000-\u001f]/.test(s)) throw new Error(`a control character cannot be part of a query value: ${JSON.stringify(s)}`);
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export const kqlDatetime = (ms: number): string => `datetime(${new Date(ms).toISOString()})`;

/** Half-open range [lo, hi) in epoch ms. */
export type Range = readonly [number, number];

/** A part of a pull: rows of one table whose TimeGenerated is in `gen` and, if given, ingestion time in `ing`. */
export interface Slice {
  gen: Range;
  ing?: Range;
  /** Rows ingested from this time on are left for the next run (backfills, which slice on `gen`). */
  ingBefore?: number;
}

export type Axis = 'ingestion' | 'generated';

function filters(table: AuditTable, resourceId: string, slice: Slice): string[] {
  const f = [`| where _ResourceId =~ ${kqlString(resourceId)}`];
  if (table === 'AzureDiagnostics') f.push(`| where Category in~ (${AUDIT_CATEGORIES.map(kqlString).join(', ')})`);
  if (slice.ing) f.push(`| where ingestion_time() >= ${kqlDatetime(slice.ing[0])} and ingestion_time() < ${kqlDatetime(slice.ing[1])}`);
  else if (slice.ingBefore !== undefined) f.push(`| where ingestion_time() < ${kqlDatetime(slice.ingBefore)}`);
  return f;
}

/** The rows of a slice. */
export function rowsQuery(table: AuditTable, resourceId: string, slice: Slice): string {
  return [table, ...filters(table, resourceId, slice), `| project ${projection(table)}`].join('\n');
}

/** Rows and bytes per bin of `binSeconds` along `axis` (and per Category for AzureDiagnostics). */
export function sizeQuery(table: AuditTable, resourceId: string, slice: Slice, axis: Axis, binSeconds: number): string {
  const by = `Bin = bin(${axis === 'ingestion' ? 'ingestion_time()' : 'TimeGenerated'}, ${binSeconds}s)`;
  return [
    table,
    ...filters(table, resourceId, slice),
    `| summarize Rows = count(), Bytes = sum(estimate_data_size(${sizedColumns(table)})) by ${by}${table === 'AzureDiagnostics' ? ', Category' : ''}`,
  ].join('\n');
}
