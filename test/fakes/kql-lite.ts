/**
 * Just enough KQL for the Log Analytics double: the query shapes kubetrail sends (src/sources/aks/kql.ts),
 * parsed strictly. Anything else is a syntax error, so a change to kubetrail's queries that the double
 * does not understand fails the tests instead of passing silently. Times are µs since the epoch.
 */
import { kqlTimeText, micros, type LaTable, type StoredRow } from './aks-rows.js';

export class KqlError extends Error {
  constructor(
    readonly code: 'SYN0002' | 'SEM0100',
    message: string,
  ) {
    super(message);
  }
}

type ColType = 'string' | 'datetime' | 'dynamic' | 'long';

/** Documented columns of each table (the ones rows may carry; plus TimeGenerated and _ResourceId). */
export const SCHEMAS: Record<LaTable, Record<string, ColType>> = {
  AKSAudit: tableSchema(),
  AKSAuditAdmin: tableSchema(),
  AzureDiagnostics: {
    TimeGenerated: 'datetime', _ResourceId: 'string', Category: 'string', log_s: 'string', pod_s: 'string',
    ResourceProvider: 'string', ResourceType: 'string', ResourceId: 'string', SourceSystem: 'string', Type: 'string',
  },
};

function tableSchema(): Record<string, ColType> {
  return {
    TimeGenerated: 'datetime', _ResourceId: 'string', AuditId: 'string', Level: 'string', Stage: 'string', RequestUri: 'string',
    Verb: 'string', User: 'dynamic', SourceIps: 'dynamic', UserAgent: 'string', ObjectRef: 'dynamic', ResponseStatus: 'dynamic',
    RequestObject: 'dynamic', ResponseObject: 'dynamic', RequestReceivedTime: 'datetime', StageReceivedTime: 'datetime',
    Annotations: 'dynamic', PodName: 'string', SourceSystem: 'string', TenantId: 'string', Type: 'string',
  };
}

type Expr = { kind: 'col'; col: string } | { kind: 'ingestion' } | { kind: 'tostring'; inner: Expr };
interface Projection {
  name: string;
  expr: Expr;
}
interface Summarize {
  rowsName: string;
  bytesName: string;
  sizeColumns: string[];
  binName: string;
  axis: 'ingestion' | 'generated';
  binUs: number;
  byCategory: boolean;
}

export interface ParsedQuery {
  table: string;
  resourceId?: string;
  categories?: string[];
  ingFrom?: number;
  ingBefore?: number;
  project?: Projection[];
  summarize?: Summarize;
}

const STR = String.raw`'(?:[^'\\]|\\.)*'`;
const unquote = (s: string): string => s.slice(1, -1).replace(/\\(.)/g, '$1');

/** Split on `|` outside string literals. */
function stages(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      cur += ch;
      if (ch === '\\') cur += text[++i] ?? '';
      else if (ch === "'") quoted = false;
    } else if (ch === "'") {
      quoted = true;
      cur += ch;
    } else if (ch === '|') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

const syntax = (what: string): KqlError => new KqlError('SYN0002', `A recognition error occurred in the query: ${what}`);

function datetimeLiteral(s: string): number {
  const t = s.trim();
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(t)) throw syntax(`datetime(${t})`);
  return micros(t);
}

function expr(text: string): Expr {
  const t = text.trim();
  if (t === 'ingestion_time()') return { kind: 'ingestion' };
  const ts = /^tostring\((.*)\)$/.exec(t);
  if (ts) return { kind: 'tostring', inner: expr(ts[1]!) };
  if (/^\w+$/.test(t)) return { kind: 'col', col: t };
  throw syntax(`expression ${t}`);
}

function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export function parseQuery(text: string): ParsedQuery {
  const [head, ...rest] = stages(text);
  if (!head || !/^\w+$/.test(head)) throw syntax(`table expression '${head ?? ''}'`);
  const q: ParsedQuery = { table: head };
  for (const st of rest) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^where\\s+_ResourceId\\s+=~\\s+(${STR})$`).exec(st))) q.resourceId = unquote(m[1]!);
    else if ((m = /^where\s+Category\s+in~\s+\((.*)\)$/.exec(st))) {
      q.categories = splitTop(m[1]!).map((s) => {
        if (!new RegExp(`^${STR}$`).test(s)) throw syntax(s);
        return unquote(s);
      });
    } else if ((m = /^where\s+ingestion_time\(\)\s*>=\s*datetime\(([^)]*)\)\s+and\s+ingestion_time\(\)\s*<\s*datetime\(([^)]*)\)$/.exec(st))) {
      q.ingFrom = datetimeLiteral(m[1]!);
      q.ingBefore = datetimeLiteral(m[2]!);
    } else if ((m = /^where\s+ingestion_time\(\)\s*<\s*datetime\(([^)]*)\)$/.exec(st))) q.ingBefore = datetimeLiteral(m[1]!);
    else if ((m = /^project\s+(.+)$/s.exec(st))) {
      q.project = splitTop(m[1]!).map((item) => {
        const a = /^(\w+)\s*=\s*(.+)$/.exec(item);
        return a ? { name: a[1]!, expr: expr(a[2]!) } : { name: item.trim(), expr: expr(item) };
      });
    } else if (
      (m = /^summarize\s+(\w+)\s*=\s*count\(\),\s*(\w+)\s*=\s*sum\(estimate_data_size\(([^)]*)\)\)\s+by\s+(\w+)\s*=\s*bin\((ingestion_time\(\)|TimeGenerated),\s*(\d+)s\)(\s*,\s*Category)?$/.exec(
        st,
      ))
    ) {
      q.summarize = {
        rowsName: m[1]!,
        bytesName: m[2]!,
        sizeColumns: splitTop(m[3]!),
        binName: m[4]!,
        axis: m[5] === 'TimeGenerated' ? 'generated' : 'ingestion',
        binUs: Number(m[6]) * 1e6,
        byCategory: !!m[7],
      };
    } else throw syntax(`'${st.slice(0, 60)}'`);
  }
  if (q.project && q.summarize) throw syntax('project and summarize in one query');
  return q;
}

export interface QueryTable {
  name: string;
  columns: Array<{ name: string; type: string }>;
  rows: unknown[][];
}

/** Value of a column as the API sends it: datetimes as 7-digit text, dynamics as JSON text. */
function wire(type: ColType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (type === 'datetime') return kqlTimeText(v as number);
  // A dynamic string (AKS's "skipped-too-big-size-object") goes out as its text, not JSON-quoted.
  if (type === 'dynamic') return typeof v === 'string' ? v : JSON.stringify(v);
  return v;
}

function cell(row: StoredRow, col: string): unknown {
  if (col === 'TimeGenerated') return row.generated;
  if (col === '_ResourceId') return row.resourceId.toLowerCase();
  return row.columns[col] ?? null;
}

function typeOf(table: LaTable, e: Expr): ColType {
  if (e.kind === 'ingestion') return 'datetime';
  if (e.kind === 'tostring') return 'string';
  const t = SCHEMAS[table][e.col];
  if (!t) throw new KqlError('SEM0100', `'project' operator: Failed to resolve scalar expression named '${e.col}'`);
  return t;
}

function evaluate(table: LaTable, row: StoredRow, e: Expr): unknown {
  if (e.kind === 'ingestion') return row.ingested;
  if (e.kind === 'col') return cell(row, e.col);
  const innerType = typeOf(table, e.inner);
  const v = evaluate(table, row, e.inner);
  if (v === null || v === undefined) return '';
  if (innerType === 'datetime') return kqlTimeText(v as number);
  if (innerType === 'dynamic') return typeof v === 'string' ? v : JSON.stringify(v);
  return String(v);
}

/** Bytes of a row's columns, as a stand-in for estimate_data_size. */
function sizeOf(table: LaTable, row: StoredRow, cols: string[]): number {
  let n = 0;
  for (const c of cols) {
    typeOf(table, { kind: 'col', col: c });
    const v = cell(row, c);
    if (v === null || v === undefined) continue;
    n += SCHEMAS[table][c] === 'datetime' ? 8 : Buffer.byteLength(typeof v === 'string' ? v : JSON.stringify(v));
  }
  return n;
}

/** Run a parsed query over a table's rows within a TimeGenerated range (µs, both ends included). */
export function runQuery(q: ParsedQuery, table: LaTable, rows: readonly StoredRow[], genFrom: number, genTo: number): QueryTable {
  if (q.categories && !SCHEMAS[table].Category) throw new KqlError('SEM0100', `'where' operator: Failed to resolve column or scalar expression named 'Category'`);
  const rid = q.resourceId?.toLowerCase();
  const cats = q.categories?.map((c) => c.toLowerCase());
  const matched = rows.filter(
    (r) =>
      r.generated >= genFrom &&
      r.generated <= genTo &&
      (rid === undefined || r.resourceId.toLowerCase() === rid) &&
      (cats === undefined || cats.includes(String(r.columns.Category).toLowerCase())) &&
      (q.ingFrom === undefined || r.ingested >= q.ingFrom) &&
      (q.ingBefore === undefined || r.ingested < q.ingBefore),
  );
  if (q.summarize) {
    const s = q.summarize;
    const groups = new Map<string, { bin: number; cat?: string; rows: number; bytes: number }>();
    for (const r of matched) {
      const t = s.axis === 'ingestion' ? r.ingested : r.generated;
      const bin = Math.floor(t / s.binUs) * s.binUs;
      const cat = s.byCategory ? String(r.columns.Category) : undefined;
      const k = `${bin}|${cat ?? ''}`;
      const g = groups.get(k) ?? { bin, cat, rows: 0, bytes: 0 };
      g.rows++;
      g.bytes += sizeOf(table, r, s.sizeColumns);
      groups.set(k, g);
    }
    return {
      name: 'PrimaryResult',
      columns: [
        { name: s.binName, type: 'datetime' },
        ...(s.byCategory ? [{ name: 'Category', type: 'string' }] : []),
        { name: s.rowsName, type: 'long' },
        { name: s.bytesName, type: 'long' },
      ],
      rows: [...groups.values()].map((g) => [kqlTimeText(g.bin), ...(s.byCategory ? [g.cat] : []), g.rows, g.bytes]),
    };
  }
  const proj: Projection[] = q.project ?? Object.keys(SCHEMAS[table]).map((c) => ({ name: c, expr: { kind: 'col', col: c } }));
  const types = proj.map((p) => typeOf(table, p.expr));
  return {
    name: 'PrimaryResult',
    columns: proj.map((p, i) => ({ name: p.name, type: types[i]! })),
    rows: matched.map((r) =>
      proj.map((p, i) => {
        if (p.expr.kind !== 'col') return wire(types[i]!, evaluate(table, r, p.expr));
        const cache = (r.wire ??= {});
        return p.expr.col in cache ? cache[p.expr.col] : (cache[p.expr.col] = wire(types[i]!, evaluate(table, r, p.expr)));
      }),
    ),
  };
}
