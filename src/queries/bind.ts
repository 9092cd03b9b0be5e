/**
 * Named parameters for DuckDB: it refuses values for parameters a statement does not use, so a shared
 * parameter set is cut down to the names the SQL mentions ($since, $until, ...).
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

export type Params = Record<string, DuckDBValue>;

export function paramsFor(sql: string, params: Params): Params {
  const used = new Set([...stripComments(sql).matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
  const out: Params = {};
  for (const name of used) {
    if (!(name in params)) throw new Error(`query uses $${name}, which is not among the parameters (${Object.keys(params).join(', ')})`);
    out[name] = params[name]!;
  }
  return out;
}

export async function runBound(conn: DuckDBConnection, sql: string, params: Params): Promise<void> {
  const p = paramsFor(sql, params);
  await (Object.keys(p).length ? conn.run(sql, p) : conn.run(sql));
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, '').replace(/'(?:[^']|'')*'/g, "''");
}
