/**
 * `kubetrail coverage`: what each cluster's audit trail can and cannot show. Builds the shared inputs
 * (prepare.ts), then runs every check under queries/coverage/ as one INSERT ... SELECT, all in one
 * transaction so a report never reads half a run.
 */
import type { LoadedJob } from '../config/load.js';
import type { Detection } from '../detect/detection.js';
import { library } from '../detect/library.js';
import { describe } from '../errors.js';
import type { Logger } from '../log.js';
import { plainRows } from '../queries/plain-rows.js';
import type { Database } from '../store/database.js';
import { loadChecks, type CoverageCheck } from './checks.js';
import { coverageClusters, sharedIdentityLists } from './clusters.js';
import { prepare } from './prepare.js';

export interface CoverageOptions {
  runId: string;
  now: Date;
  log: Logger;
  /** The detection library (default: the shipped library). */
  detections?: Detection[];
  /** The checks (default: queries/coverage/). */
  checks?: CoverageCheck[];
}

export interface CoverageSummary {
  /** Checks run. */
  checks: number;
  clusters: number;
  /** Result rows by status. */
  ok: number;
  alarms: number;
  unknown: number;
  info: number;
  /** Check ids in alarm, per cluster (every cluster listed). */
  alarmsByCluster: Record<string, string[]>;
  seconds: number;
  /** Time spent preparing the shared inputs, and per check. */
  timings: Record<string, number>;
}

export class CoverageCheckError extends Error {
  override readonly name = 'CoverageCheckError';
}

export async function runCoverage(db: Database, job: LoadedJob, opts: CoverageOptions): Promise<CoverageSummary> {
  const t0 = performance.now();
  const checks = opts.checks ?? loadChecks();
  const detections = opts.detections ?? library();
  const conn = await db.connect();
  try {
    const timings: Record<string, number> = {};
    let t = performance.now();
    const lap = (name: string) => {
      const n = performance.now();
      timings[name] = (n - t) / 1000;
      t = n;
    };
    const clusters = await coverageClusters(conn, job, opts.now);
    await prepare(conn, { clusters, lists: sharedIdentityLists(job), now: opts.now, detections, checks });
    lap('prepare');
    await conn.run('BEGIN TRANSACTION');
    try {
      for (const check of checks) {
        try {
          await conn.run(insertSql(check), { run_id: opts.runId, check_id: check.id, now: opts.now.toISOString() });
          lap(check.id);
        } catch (err) {
          throw new CoverageCheckError(`coverage check ${check.id} (${check.file}) failed: ${describe(err)}`);
        }
      }
      await assertOneRowPerCluster(conn, opts.runId, checks.length, clusters.length);
      await conn.run('COMMIT');
    } catch (err) {
      await conn.run('ROLLBACK');
      throw err;
    }
    const rows = await plainRows<{ cluster: string; check_id: string; status: string }>(
      conn,
      `SELECT cluster, check_id, status FROM coverage WHERE run_id = $run_id`,
      { run_id: opts.runId },
    );
    const order = new Map(checks.map((c, i) => [c.id, i]));
    const summary: CoverageSummary = {
      checks: checks.length,
      clusters: clusters.length,
      ok: 0,
      alarms: 0,
      unknown: 0,
      info: 0,
      alarmsByCluster: Object.fromEntries(clusters.map((c) => [c.cluster, [] as string[]])),
      seconds: 0,
      timings,
    };
    for (const r of rows) {
      if (r.status === 'alarm') {
        summary.alarms++;
        summary.alarmsByCluster[r.cluster]!.push(r.check_id);
      } else if (r.status === 'ok') summary.ok++;
      else if (r.status === 'unknown') summary.unknown++;
      else summary.info++;
    }
    for (const ids of Object.values(summary.alarmsByCluster)) ids.sort((a, b) => order.get(a)! - order.get(b)!);
    summary.seconds = (performance.now() - t0) / 1000;
    opts.log.debug({ seconds: summary.seconds }, 'coverage checks done');
    return summary;
  } finally {
    conn.closeSync();
  }
}

function insertSql(check: CoverageCheck): string {
  return `
INSERT INTO coverage (run_id, cluster, check_id, provider, status, reason, evidence, remediation, checked_at)
SELECT $run_id, r.cluster, $check_id, c.provider, r.status, CAST(r.reason AS VARCHAR), CAST(r.evidence AS JSON),
       coalesce(CAST(r.remediation AS VARCHAR), CASE r.status
         WHEN 'alarm' THEN m.text
         -- unknown: make the fact readable; the alarm's change is never offered for a setting nobody could read
         WHEN 'unknown' THEN coalesce(u.text, 'Nothing to change yet: this could not be judged. See posture-readable for what kubetrail could not read and the permission to grant, '
           || 'then read the posture again: kubetrail pull --config ' || c.job_file || ' --cluster ' || c.cluster || '.')
       END),
       CAST($now AS TIMESTAMPTZ)
FROM (
${check.sql}
) r
JOIN kt_cov_clusters c ON c.cluster = r.cluster
LEFT JOIN kt_cov_remedies m ON m.cluster = r.cluster AND m.check_id = $check_id
LEFT JOIN kt_cov_unreadable u ON u.cluster = r.cluster AND u.check_id = $check_id`;
}

/** A check that skips or repeats a cluster is a bug in the check: say which. */
async function assertOneRowPerCluster(conn: Awaited<ReturnType<Database['connect']>>, runId: string, checks: number, clusters: number): Promise<void> {
  const bad = await plainRows<{ check_id: string; n: number }>(
    conn,
    `SELECT check_id, count(*) AS n FROM coverage WHERE run_id = $run_id GROUP BY check_id HAVING count(*) <> $clusters`,
    { run_id: runId, clusters },
  );
  const total = await plainRows<{ n: number }>(conn, `SELECT count(DISTINCT check_id) AS n FROM coverage WHERE run_id = $run_id`, { run_id: runId });
  if (bad.length || (clusters > 0 && total[0]!.n !== checks)) {
    throw new CoverageCheckError(
      `coverage checks must give one row per cluster (${clusters}): ${bad.map((b) => `${b.check_id} gave ${b.n}`).join(', ') || 'a check gave none'}`,
    );
  }
}
