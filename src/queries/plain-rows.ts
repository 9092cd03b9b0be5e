/**
 * Query results as plain data for report models and summaries: BIGINT/HUGEINT become numbers,
 * timestamps ISO strings, JSON columns parsed values (also inside lists and structs).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { paramsFor, type Params } from './bind.js';

type TypeJson = { typeId: number; alias?: string; valueType?: TypeJson; entryNames?: string[]; entryTypes?: TypeJson[] };

export type Plain = null | boolean | number | string | Plain[] | { [k: string]: Plain };

export async function plainRows<T = Record<string, Plain>>(conn: DuckDBConnection, sql: string, params: Params = {}): Promise<T[]> {
  const p = paramsFor(sql, params);
  const reader = await (Object.keys(p).length ? conn.runAndReadAll(sql, p) : conn.runAndReadAll(sql));
  const meta = reader.columnNamesAndTypesJson() as unknown as { columnNames: string[]; columnTypes: TypeJson[] };
  const rows = reader.getRowObjectsJS();
  return rows.map((row) => {
    const out: Record<string, Plain> = {};
    meta.columnNames.forEach((name, i) => {
      out[name] = toPlain(row[name], meta.columnTypes[i]!);
    });
    return out as T;
  });
}

function toPlain(v: unknown, t: TypeJson | undefined): Plain {
  if (v === null || v === undefined) return null;
  if (t?.alias === 'JSON' && typeof v === 'string') return JSON.parse(v) as Plain;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Array.isArray(v)) return v.map((x) => toPlain(x, t?.valueType));
  if (typeof v === 'object') {
    const names = t?.entryNames ?? [];
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toPlain(x, t?.entryTypes?.[names.indexOf(k)])]));
  }
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}
