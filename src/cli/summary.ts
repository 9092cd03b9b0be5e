/** The run summary people read at the end of a command: per cluster, per envelope, and what to look at next. */
import type { LandCounts } from '../store/land.js';
import type { ClusterResult } from '../pipeline/pull-cluster.js';
import type { RunAllSummary } from '../pipeline/run-all.js';

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const num = (s: string | number, n: number) => String(s).padStart(n);

export function formatPullSummary(runId: string, results: ClusterResult[], totals: LandCounts, configPath?: string): string {
  const out: string[] = [];
  out.push(`run ${runId}`);
  out.push(`${pad('cluster', 18)}${pad('provider', 9)}${pad('status', 8)}${num('records', 9)}${num('new', 9)}${num('already', 9)}${num('skipped', 9)}${num('quarant.', 9)}${num('secs', 7)}`);
  for (const r of results) {
    out.push(
      `${pad(r.cluster, 18)}${pad(r.provider, 9)}${pad(r.status, 8)}${num(r.counts.records, 9)}${num(r.counts.landed, 9)}${num(r.counts.duplicates, 9)}${num(r.counts.skipped, 9)}${num(r.counts.quarantined, 9)}${num(r.seconds.toFixed(1), 7)}`,
    );
  }
  const env = Object.entries(totals.byEnvelope).sort();
  if (env.length) {
    out.push('by envelope:');
    for (const [k, c] of env) out.push(`  ${pad(k, 22)} ${c.landed} new, ${c.duplicates} already landed, ${c.skipped} skipped, ${c.quarantined} quarantined`);
  }
  for (const [reason, n] of Object.entries(totals.skipReasons)) out.push(`skipped (not audit data): ${n} × ${reason}`);
  for (const r of results) {
    const problems = r.stats.problems;
    if (typeof problems === 'string' && problems) for (const p of problems.split('\n')) out.push(`problem: ${r.cluster}: ${p}`);
    if (r.status === 'failed') out.push(`FAILED: ${r.cluster}: ${r.error}`);
  }
  if (totals.quarantined > 0) {
    const cfg = configPath ? `--config ${configPath}` : '--db FILE';
    out.push(`${totals.quarantined} record(s) quarantined: kubetrail sql ${cfg} "SELECT source, source_line, reason FROM quarantine WHERE run_id = '${runId}'"`);
  }
  return out.join('\n') + '\n';
}

/** `kubetrail run`: the pull summary, then what detect, coverage and the reports did. */
export function formatRunSummary(runId: string, s: RunAllSummary, configPath?: string): string {
  const out: string[] = [formatPullSummary(runId, s.pull.results, s.pull.totals, configPath).trimEnd()];
  if (s.detect) {
    const sev = Object.entries(s.detect.bySeverity).map(([k, v]) => `${v} ${k}`).join(', ');
    out.push(`detect: ${s.detect.detections} detections, ${s.detect.newFindings} new finding(s)${sev ? ` (${sev})` : ''}, ${s.detect.updatedFindings} updated`);
  }
  if (s.coverage) {
    out.push(`coverage: ${s.coverage.checks} checks, ${s.coverage.alarms} alarm(s), ${s.coverage.unknown} unknown`);
    for (const [c, ids] of Object.entries(s.coverage.alarmsByCluster)) if (ids.length) out.push(`  ${c}: ${ids.join(', ')}`);
  }
  for (const p of s.reports) out.push(`report: ${p}`);
  for (const e of s.errors.filter((e) => e.step !== 'pull')) out.push(`FAILED: ${e.step}: ${e.message}`);
  return out.join('\n') + '\n';
}
