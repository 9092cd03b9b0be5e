/**
 * The SQL behind the report models: queries/reports/<kind>/<name>.sql, each one statement with named
 * parameters ($since, $until, ...), run on a connection that has the formatting macros and the report's
 * temporary tables (kt_rep_clusters, kt_rep_checks).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CHECKS_DIR } from '../coverage/checks.js';
import { describe } from '../errors.js';
import type { Params } from '../queries/bind.js';
import { plainRows } from '../queries/plain-rows.js';
import { splitSql } from '../store/database.js';

const REPORTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'queries', 'reports');
const cache = new Map<string, string>();

export async function reportRows<T>(conn: DuckDBConnection, kind: string, name: string, params: Params): Promise<T[]> {
  const path = join(REPORTS_DIR, kind, `${name}.sql`);
  let sql = cache.get(path);
  if (sql === undefined) {
    sql = readFileSync(path, 'utf8');
    cache.set(path, sql);
  }
  try {
    return await plainRows<T>(conn, sql, params);
  } catch (err) {
    throw new Error(`report query ${kind}/${name}.sql failed: ${describe(err)}`);
  }
}

/** The formatting macros the coverage checks use (kt_iso, kt_day, kt_expects_body, kt_sev_rank, ...). */
export async function loadMacros(conn: DuckDBConnection): Promise<void> {
  for (const stmt of splitSql(readFileSync(join(CHECKS_DIR, 'prepare', 'macros.sql'), 'utf8'))) await conn.run(stmt);
}

export async function tableExists(conn: DuckDBConnection, name: string): Promise<boolean> {
  const rows = await plainRows<{ n: number }>(conn, `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = $name AND table_schema = 'main'`, { name });
  return rows[0]!.n > 0;
}
