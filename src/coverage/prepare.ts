/**
 * The temporary tables every coverage check reads, built once per run on the check connection:
 *   kt_cov_clusters        one row per cluster: provider, clock (now_at, window_start) and thresholds
 *   kt_cov_facts           the latest posture facts of each cluster (the facts of its newest posture run)
 *   kt_cov_fact_map        the same as one map per cluster: facts['retention_days'].value
 *   kt_cov_required_facts  which facts each provider's source is expected to read, and the permission
 *   kt_cov_unreadable      per cluster and check: how to make its unread facts readable (the remediation of `unknown`)
 *   kt_cov_detections      the detection library's metadata (needs, blindOn)
 *   kt_cov_remedies        each check's remediation text, filled in for each cluster
 *   kt_cov_observed        one row per cluster: what the events in the window show (queries/coverage/prepare)
 * plus the formatting macros of queries/coverage/prepare/macros.sql.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Detection } from '../detect/detection.js';
import { splitSql } from '../store/database.js';
import { plainRows } from '../queries/plain-rows.js';
import { CHECKS_DIR, type CoverageCheck } from './checks.js';
import { fillTemplate, type CoverageCluster, type SharedIdentityLists } from './clusters.js';
import { REQUIRED_FACTS } from './facts.js';

const PREPARE_DIR = join(CHECKS_DIR, 'prepare');

/** A temporary table from rows of plain values, typed by `spec` (column -> DuckDB type). */
export async function tempTable(conn: DuckDBConnection, name: string, spec: Record<string, string | string[]>, rows: object[]): Promise<void> {
  const cols = Object.keys(spec);
  const empty = cols.map((c) => `CAST(NULL AS ${Array.isArray(spec[c]) ? `${spec[c]![0]}[]` : spec[c]}) AS ${c}`).join(', ');
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} AS SELECT ${empty} WHERE false`);
  if (!rows.length) return;
  await conn.run(`INSERT INTO ${name} SELECT unnest(from_json($rows, $spec), recursive := true)`, {
    rows: JSON.stringify(rows),
    spec: JSON.stringify([spec]),
  });
}

export async function prepare(
  conn: DuckDBConnection,
  opts: { clusters: CoverageCluster[]; lists: SharedIdentityLists; now: Date; detections: Detection[]; checks: CoverageCheck[] },
): Promise<void> {
  await runFile(conn, 'macros.sql');

  const globToRegex = (g: string) => '^' + g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$';
  await tempTable(
    conn,
    'kt_cov_clusters',
    {
      cluster: 'VARCHAR', provider: 'VARCHAR', in_job: 'BOOLEAN', job_file: 'VARCHAR', now_at: 'TIMESTAMPTZ', window_start: 'TIMESTAMPTZ', window_days: 'DOUBLE',
      retention_target_days: 'DOUBLE', gap_hours: 'INTEGER', min_events_per_hour: 'DOUBLE', min_events_per_day: 'INTEGER', min_requests: 'INTEGER',
      freshness_seconds: 'DOUBLE', lag_p95_seconds: 'DOUBLE', min_read_share: 'DOUBLE', min_body_share: 'DOUBLE',
      min_pod_attribution: 'DOUBLE', max_truncated: 'INTEGER',
      shared_users: ['VARCHAR'], shared_groups: ['VARCHAR'], shared_exclude: ['VARCHAR'], sa_exclude_re: ['VARCHAR'],
    },
    opts.clusters.map((c) => ({
      cluster: c.cluster,
      provider: c.provider,
      in_job: c.inJob,
      job_file: c.vars.jobFile,
      now_at: opts.now.toISOString(),
      window_start: new Date(opts.now.getTime() - c.thresholds.windowMs).toISOString(),
      window_days: c.thresholds.windowMs / 86400e3,
      retention_target_days: c.thresholds.retentionTargetDays,
      gap_hours: c.thresholds.gapHours,
      min_events_per_hour: c.thresholds.minEventsPerHour,
      min_events_per_day: c.thresholds.minEventsPerDay,
      min_requests: c.thresholds.minRequests,
      freshness_seconds: c.thresholds.freshnessSeconds,
      lag_p95_seconds: c.thresholds.lagP95Seconds,
      min_read_share: c.thresholds.minReadShare,
      min_body_share: c.thresholds.minBodyShare,
      min_pod_attribution: c.thresholds.minPodAttribution,
      max_truncated: c.thresholds.maxTruncated,
      shared_users: opts.lists.sharedUsers,
      shared_groups: opts.lists.sharedGroups,
      shared_exclude: opts.lists.sharedExclude,
      sa_exclude_re: opts.lists.podAttributionExclude.map(globToRegex),
    })),
  );

  await runFile(conn, 'facts.sql');

  await tempTable(
    conn,
    'kt_cov_required_facts',
    { provider: 'VARCHAR', fact: 'VARCHAR', permission: 'VARCHAR', used_by: ['VARCHAR'] },
    REQUIRED_FACTS.map((f) => ({ provider: f.provider, fact: f.fact, permission: f.permission, used_by: f.usedBy })),
  );
  await runFile(conn, 'unreadable.sql');

  await tempTable(
    conn,
    'kt_cov_detections',
    { id: 'VARCHAR', title: 'VARCHAR', severity: 'VARCHAR', needs: ['VARCHAR'], blind_on: 'JSON', partly_needs: 'JSON' },
    opts.detections.map((d) => ({ id: d.id, title: d.title, severity: d.severity, needs: d.needs, blind_on: d.blindOn, partly_needs: d.partlyNeeds ?? {} })),
  );

  const vars = await workspaceVars(conn, opts.clusters);
  await tempTable(
    conn,
    'kt_cov_remedies',
    { cluster: 'VARCHAR', check_id: 'VARCHAR', text: 'VARCHAR' },
    opts.checks.flatMap((check) =>
      opts.clusters.flatMap((c) => {
        const t = check.remediation[c.provider];
        return t ? [{ cluster: c.cluster, check_id: check.id, text: fillTemplate(t.trim(), { ...c.vars, ...vars.get(c.cluster) }) }] : [];
      }),
    ),
  );

  await runFile(conn, 'observed.sql');
}

async function runFile(conn: DuckDBConnection, name: string): Promise<void> {
  for (const stmt of splitSql(readFileSync(join(PREPARE_DIR, name), 'utf8'))) await conn.run(stmt);
}

/** AKS: the workspace of the diagnostic setting and the audit table (facts) fill the table commands. */
async function workspaceVars(conn: DuckDBConnection, clusters: CoverageCluster[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  if (!clusters.some((c) => c.provider === 'aks')) return out;
  const rows = await plainRows<{ cluster: string; fact: string; v: string | null }>(
    conn,
    `SELECT cluster, fact, json_extract_string(value, '$') AS v FROM kt_cov_facts
     WHERE fact IN ('workspace_resource_id', 'audit_table') AND status = 'known'`,
  );
  for (const r of rows) {
    const vars = out.get(r.cluster) ?? {};
    out.set(r.cluster, vars);
    if (r.fact === 'audit_table' && r.v) vars.auditTable = r.v;
    const m = /\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.OperationalInsights\/workspaces\/([^/]+)/i.exec(r.v ?? '');
    if (r.fact === 'workspace_resource_id' && m) Object.assign(vars, { workspaceResourceId: r.v, workspaceResourceGroup: m[1]!, workspaceName: m[2]! });
  }
  return out;
}
