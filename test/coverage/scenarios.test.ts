/**
 * One scenario per coverage check, landed through the real pipeline: each raises exactly the alarms it
 * names, the healthy clusters none. The numbers in reasons and evidence are checked against the
 * generated input (hole times, lag, counts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCoverage, type CoverageSummary } from '../../src/coverage/run.js';
import { loadChecks } from '../../src/coverage/checks.js';
import { silentLogger } from '../../src/log.js';
import { plainRows } from '../../src/queries/plain-rows.js';
import { buildScenarios, DETECTIONS, type Built } from './scenarios.js';
import { DAY, HOUR } from './traffic.js';

interface Row {
  cluster: string;
  check_id: string;
  status: string;
  reason: string;
  evidence: Record<string, unknown>;
  remediation: string | null;
}

const iso = (t: number) => new Date(t).toISOString().replace('.000', '');
const sec = (t: number) => `${iso(t).slice(0, 10)} ${iso(t).slice(11, 19)} UTC`;
const round2 = (x: number) => Math.round(x * 100) / 100;
const hm = (ms: number) => {
  const m = Math.floor(ms / 60e3);
  return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m / 60} h`;
};

let dir: string;
let built: Built;
let summary: CoverageSummary;
let rows: Row[];
const row = (cluster: string, check: string): Row => {
  const r = rows.find((x) => x.cluster === cluster && x.check_id === check);
  if (!r) throw new Error(`no coverage row for ${cluster}/${check}`);
  return r;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kt-cov-'));
  built = await buildScenarios(dir);
  summary = await runCoverage(built.db, built.job, { runId: 'cov-1', now: built.now, log: silentLogger(), detections: DETECTIONS });
  const conn = await built.db.connect();
  rows = await plainRows<Row>(conn, `SELECT cluster, check_id, status, reason, evidence, remediation FROM coverage WHERE run_id = 'cov-1'`);
  conn.closeSync();
});

afterAll(() => {
  built?.db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('coverage scenarios', () => {
  it('gives every cluster one row per check', () => {
    const checks = loadChecks();
    expect(checks.length).toBeGreaterThanOrEqual(15);
    expect(rows.length).toBe(checks.length * built.scenarios.length);
    expect(summary.checks).toBe(checks.length);
    expect(summary.clusters).toBe(built.scenarios.length);
  });

  it('raises exactly the alarms of each scenario (and none on the healthy clusters)', () => {
    const got = Object.fromEntries(built.scenarios.map((s) => [s.name, rows.filter((r) => r.cluster === s.name && r.status === 'alarm').map((r) => r.check_id).sort()]));
    const want = Object.fromEntries(built.scenarios.map((s) => [s.name, [...s.expect].sort()]));
    expect(got).toEqual(want);
    for (const s of built.scenarios) expect([...summary.alarmsByCluster[s.name]!].sort()).toEqual([...s.expect].sort());
  });

  it('covers every check with a scenario that raises it', () => {
    const raised = new Set(built.scenarios.flatMap((s) => s.expect));
    for (const c of loadChecks()) expect(raised, c.id).toContain(c.id);
  });

  it('gives every alarm a reason and a remediation for its provider', () => {
    for (const r of rows.filter((x) => x.status === 'alarm')) {
      expect(r.reason.length, `${r.cluster}/${r.check_id}`).toBeGreaterThan(30);
      expect(r.remediation, `${r.cluster}/${r.check_id}`).toBeTruthy();
      expect(r.remediation, `${r.cluster}/${r.check_id}: unfilled placeholder`).not.toMatch(/\{\{(region|eksCluster|logGroup|project|resourceId|cluster|jobFile)\}\}/);
    }
  });

  it('says when and how long the hole was, event to event', () => {
    const r = row('gap', 'no-event-gaps');
    // the hole empties three whole hours; the silence runs from the last event before to the first after
    const times = built.scenarios.find((s) => s.name === 'gap')!.events.map((e) => e.time.getTime());
    const last = Math.max(...times.filter((t) => t < built.holeStart));
    const next = Math.min(...times.filter((t) => t >= built.holeStart + 3 * HOUR));
    expect(next - last).toBeGreaterThan(3 * HOUR);
    expect(r.reason).toContain(`${hm(next - last)} without any audit event, from the last event at ${sec(last)} to the next at ${sec(next)}`);
    expect(r.evidence.gaps).toEqual([{ last_event_before: iso(last), first_event_after: iso(next), hours: round2((next - last) / HOUR), hours_in_window: round2((next - last) / HOUR) }]);
    // the healthy files cluster with the same traffic has no gap
    expect(row('healthy-files', 'no-event-gaps').status).toBe('ok');
  });

  it('measures silences exactly, not in clock hours', () => {
    const { unaligned, straddling, under } = built.silences;
    // 12:01-14:59, gapHours 2: the exact ends, not "2 h from 13:00 to 15:00"
    const u = row('gap-unaligned', 'no-event-gaps');
    expect(u.status).toBe('alarm');
    expect(u.reason).toContain(`2 h 58 min without any audit event, from the last event at ${sec(unaligned.from)} to the next at ${sec(unaligned.to)}`);
    expect(u.evidence.gaps).toEqual([{ last_event_before: iso(unaligned.from), first_event_after: iso(unaligned.to), hours: 2.97, hours_in_window: 2.97 }]);
    // the remediation's placeholders carry the silence's times (EKS: epoch ms for CloudWatch, ISO for the re-pull)
    expect(u.remediation).toContain(`--start-time ${unaligned.from} --end-time ${unaligned.to} --limit 5`);
    expect(u.remediation).toContain(`--cluster gap-unaligned --since ${iso(unaligned.from)} --until ${iso(unaligned.to)}`);
    expect(u.remediation).not.toContain('<gap');
    // 13:12-16:47 holds only two whole empty hours but is 3 h 35 min long: a gap under gapHours 3;
    // the 2 h 58 min silence of the day before is not
    const s = row('gap-straddling', 'no-event-gaps');
    expect(s.reason).toContain(`3 h 35 min without any audit event, from the last event at ${sec(straddling.from)} to the next at ${sec(straddling.to)}`);
    expect((s.evidence.gaps as { last_event_before: string }[]).map((g) => g.last_event_before)).toEqual([iso(straddling.from)]);
    expect(JSON.stringify(s.evidence)).not.toContain(iso(under.from));
    expect(s.remediation).toContain(`(${iso(straddling.from)} to ${iso(straddling.to)})`);
  });

  it('names the EKS command with the cluster and region when logging is off', () => {
    const r = row('logging-off', 'audit-logging-enabled');
    expect(r.reason).toContain('enabled log types: api');
    expect(r.remediation).toContain(`aws eks update-cluster-config --region eu-west-1 --name logging-off --logging '{"clusterLogging":[{"types":["audit","authenticator"],"enabled":true}]}'`);
    // a missing log group is not a missing permission
    expect(row('logging-off', 'posture-readable').status).toBe('ok');
    expect(row('logging-off', 'retention-meets-target').status).toBe('info');
  });

  it('tells kube-audit-admin from the data alone', () => {
    const r = row('aks-admin-only', 'reads-observed');
    expect(r.reason).toContain('were get or list (0.0%');
    expect(r.reason).toContain('kube-audit-admin');
    expect(r.evidence.reads).toBe(0);
    expect(Number(r.evidence.watches)).toBeGreaterThan(100);
    expect(row('aks-admin-only', 'reads-collected').remediation).toContain(`--resource ${'/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/shop-aks'}`);
    expect(row('aks-admin-only', 'reads-collected').remediation).toContain('--workspace /subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/audit-ws');
  });

  it('names the missing GKE Data Access log types and the blind detections', () => {
    expect(row('gke-no-data-access', 'reads-collected').reason).toContain('Data Access audit logs are off for ADMIN_READ and DATA_READ');
    // the same project policy, but Data Access entries arrive: turned on above the project, not an alarm
    const above = row('gke-data-access-from-folder', 'reads-collected');
    expect(above.status).toBe('ok');
    expect(above.reason).toContain('a folder or organisation policy turns them on');
    expect(above.evidence.data_access_entries).toBeGreaterThan(0);
    expect(row('gke-no-data-access', 'reads-collected').evidence.data_access_entries).toBe(0);
    const blind = row('gke-no-data-access', 'blind-detections');
    const list = blind.evidence.blind as { id: string; missing: string[]; provider_limit: string | null }[];
    expect(list.map((b) => [b.id, b.missing, b.provider_limit])).toEqual([
      ['credentials/secret-read-by-unusual-client', ['read-verbs'], null],
      ['credentials/token-request', [], 'GKE does not log TokenRequest.'],
    ]);
    expect(blind.remediation).toContain('container.googleapis.com');
    // exec still fires on SPDY exec (a create), but WebSocket exec is a get: partly blind, and said so
    expect(blind.evidence.partly_blind).toEqual([
      { id: 'workloads/exec-into-pod', title: 'Exec into a pod', severity: 'medium', missing: 'read-verbs', why: 'exec over WebSocket is a get on pods/exec' },
    ]);
    expect(blind.reason).toContain('Partly blind: exec over WebSocket is a get on pods/exec (Exec into a pod).');
    // where reads are logged, nothing is partly blind
    expect(row('healthy-eks', 'blind-detections').evidence.partly_blind).toEqual([]);
    expect(row('healthy-eks', 'blind-detections').status).toBe('ok');
    // writes keep their bodies on GKE
    expect(row('gke-no-data-access', 'bodies-observed').status).toBe('ok');
  });

  it('counts Metadata-only writes', () => {
    const r = row('metadata-only', 'bodies-observed');
    expect(r.evidence.with_request_body).toBe(0);
    expect(r.reason).toContain('Only 0.0% of');
    expect(r.reason).toContain('Metadata');
    const blind = row('metadata-only', 'blind-detections').evidence.blind as { id: string; missing: string[] }[];
    expect(blind.map((b) => b.id)).toEqual(['workloads/privileged-pod']);
  });

  it('compares CloudWatch retention with the target', () => {
    const r = row('short-retention', 'retention-meets-target');
    expect(r.reason).toBe('CloudWatch deletes audit events after 7 days; the target is 90 days.');
    expect(r.remediation).toContain('aws logs put-retention-policy --region eu-west-1 --log-group-name /aws/eks/short-retention/cluster --retention-in-days 90');
    expect(row('healthy-eks', 'retention-meets-target').reason).toContain('365 days');
  });

  it('never offers a retention change for a retention nobody could read, or one that already meets the target', () => {
    // unknown (logs:DescribeLogGroups denied): the way to make it readable, not put-retention-policy
    const unknown = row('posture-unreadable', 'retention-meets-target');
    expect(unknown.status).toBe('unknown');
    expect(unknown.remediation).not.toContain('put-retention-policy');
    expect(unknown.remediation).not.toContain('retention_in_days');
    expect(unknown.remediation).toContain('logs:DescribeLogGroups');
    expect(unknown.remediation).toContain('kubetrail pull --config');
    expect(unknown.remediation).toContain('--cluster posture-unreadable');
    // the same for the other unknown checks: no update-cluster-config before the logging setting could be read
    expect(row('posture-unreadable', 'audit-logging-enabled').remediation).not.toContain('update-cluster-config');
    expect(row('posture-unreadable', 'audit-logging-enabled').remediation).toContain('eks:DescribeCluster');
    // a log group that never expires meets the target: no remediation at all
    const forever = row('retention-forever', 'retention-meets-target');
    expect(forever.status).toBe('ok');
    expect(forever.remediation).toBeNull();
    expect(forever.reason).toContain('keeps the log group forever');
    // an alarm raises and says never to lower
    expect(row('short-retention', 'retention-meets-target').remediation).toContain('at least 90 days; never lower it');
  });

  it('offers only the GKE retention change that raises something', () => {
    const r = row('gke-required-short', 'retention-meets-target');
    expect(r.status).toBe('alarm');
    expect(r.reason).toContain('400 days in _Required, which cannot be changed');
    // _Default keeps 3650 days: setting it to 730 would lower it
    expect(r.remediation).not.toContain('buckets update _Default');
    expect(r.remediation).not.toContain('bucket_id = "_Default"');
    expect(r.remediation).toContain('gcloud logging sinks create k8s-audit');
    expect(r.remediation).toContain('at least 730 days');
    // and a short _Default alone does not get the own-bucket advice
    expect(row('gke-short-default-bucket', 'retention-meets-target').remediation).not.toContain('sinks create');
  });

  it('judges GKE buckets and exclusions and Log Analytics plans', () => {
    expect(row('gke-short-default-bucket', 'retention-meets-target').reason).toBe(
      'Data Access entries (reads) are kept 30 days in the _Default bucket; the target is 90 days. Admin Activity entries (writes) are kept 400 days.',
    );
    expect(row('gke-short-default-bucket', 'retention-meets-target').remediation).toContain('gcloud logging buckets update _Default --location=global --project=shop-prod-1234 --retention-days=90');
    expect(row('gke-no-data-access', 'retention-meets-target').status).toBe('ok'); // reads are off: _Default holds no Kubernetes entries
    expect(row('gke-exclusion', 'reads-collected').reason).toContain('drop-leases (protoPayload.methodName="io.k8s.coordination.v1.leases.update")');
    expect(row('aks-basic-plan', 'retention-meets-target').reason).toBe('AKSAudit (Basic plan) keeps 30 days for queries and 30 days in total; the target is 90 days.');
    expect(row('aks-basic-plan', 'retention-meets-target').remediation).toContain(
      'az monitor log-analytics workspace table update --resource-group rg-logs --workspace-name audit-ws --name AKSAudit --total-retention-time 90',
    );
    expect(row('aks-basic-plan', 'retention-meets-target').remediation).toContain('total_retention_in_days = 90 }');
    expect(row('aks-basic-plan', 'retention-meets-target').remediation).not.toContain(' retention_in_days');
    expect(row('truncated-aks', 'retention-meets-target').reason).toBe('AKSAudit (Analytics plan) keeps 120 days for queries and 365 days in total; the target is 90 days.');
  });

  it('counts truncated bodies and cut CloudWatch events', () => {
    const aks = row('truncated-aks', 'truncated-events');
    expect(aks.evidence.truncated_events).toBe(3);
    expect(aks.reason).toContain('deployments shop/huge-');
    const cw = row('truncated-cloudwatch', 'truncated-events');
    expect(cw.evidence.quarantined_for_size).toBe(2);
    expect(cw.reason).toContain('CloudWatch cut 2');
  });

  it('measures ingestion lag from the provider timestamps', () => {
    const r = row('high-lag', 'ingestion-lag');
    expect(r.evidence.p95_seconds).toBeCloseTo(1200, 0);
    expect(r.reason).toContain('95% of events arrived within 20 min');
    expect(row('healthy-eks', 'ingestion-lag').evidence.p95_seconds).toBeCloseTo(30, 0);
    expect(row('healthy-files', 'ingestion-lag').status).toBe('info');
  });

  it('judges reads day by day: days with writes and no get or list are named', () => {
    const r = row('reads-stop', 'reads-observed');
    const { noReads } = built.stretches;
    // the week alone would pass: reads are well above minReadShare
    expect(Number(r.evidence.read_share)).toBeGreaterThan(0.1);
    const days = [0, 1, 2].map((i) => new Date(noReads.from + i * DAY).toISOString().slice(0, 10));
    expect(r.status).toBe('alarm');
    expect(r.evidence.days_without_reads).toEqual(days);
    expect(r.reason).toContain(`Not one get or list on 3 of ${r.evidence.days_judged} days although the cluster wrote: ${days[0]} (`);
    for (const d of days) expect(r.reason).toContain(d);
    // the healthy cluster had reads every day it was judged on
    const healthy = row('healthy-files', 'reads-observed');
    expect(healthy.status).toBe('ok');
    expect(healthy.evidence.days_without_reads).toEqual([]);
    expect(Number(healthy.evidence.days_judged)).toBeGreaterThanOrEqual(6); // the whole days of a 7-day window
  });

  it('judges ingestion lag day by day: the worst day and its p95 are named', () => {
    const r = row('lag-slow-day', 'ingestion-lag');
    const day = new Date(built.stretches.slow.from).toISOString().slice(0, 10);
    // the week's p95 is under the 10-minute threshold; the slow day's is 20 minutes
    expect(Number(r.evidence.p95_seconds)).toBeLessThan(600);
    expect(r.status).toBe('alarm');
    expect(r.evidence.worst_day).toBe(day);
    expect(Number(r.evidence.worst_day_p95_seconds)).toBeCloseTo(1200, 0);
    expect(r.evidence.days_over_threshold).toEqual([day]);
    expect(r.reason).toContain(`The worst day, ${day}, had a p95 of 20 min`);
    // a steady cluster's worst day is under the threshold
    const healthy = row('healthy-eks', 'ingestion-lag');
    expect(healthy.status).toBe('ok');
    expect(Number(healthy.evidence.worst_day_p95_seconds)).toBeCloseTo(30, 0);
  });

  it('names the shared identity, its requests and addresses', () => {
    const r = row('shared-admin', 'shared-admin-identity');
    const ids = r.evidence.identities as { user: string; requests: number; addresses: string[] }[];
    expect(ids).toHaveLength(1);
    expect(ids[0]!.user).toBe('kubernetes-admin');
    expect(ids[0]!.addresses).toEqual(['198.51.100.7']);
    // two a day, on the days of the window the traffic covers
    const expected = built.scenarios.find((s) => s.name === 'shared-admin')!.events.filter((e) => e.user.username === 'kubernetes-admin' && !e.user.extra && e.time.getTime() >= built.now.getTime() - 7 * 24 * HOUR).length;
    expect(ids[0]!.requests).toBe(expected);
    // a kubernetes-admin mapped from an IAM session is a named person
    expect(row('healthy-eks', 'shared-admin-identity').status).toBe('ok');
  });

  it('names the service accounts whose requests carry no pod', () => {
    const r = row('no-pod-attribution', 'sa-pod-attribution');
    expect(r.evidence.share).toBe(0);
    expect(r.reason).toContain('system:serviceaccount:shop:web');
    // controller-manager accounts are left out by default
    expect(JSON.stringify(r.evidence)).not.toContain('replicaset-controller');
    expect(row('gke-no-data-access', 'sa-pod-attribution').status).toBe('info');
  });

  it('judges freshness at the last pull', async () => {
    const r = row('stale', 'freshness');
    const conn = await built.db.connect();
    const pull = await plainRows<{ at: string }>(conn, `SELECT started_at AS at FROM run_clusters WHERE cluster = 'stale'`);
    conn.closeSync();
    const newest = Math.max(...built.scenarios.find((s) => s.name === 'stale')!.events.map((e) => e.time.getTime()));
    // measured at the pull, or at the coverage clock when that is earlier
    expect(Number(r.evidence.age_seconds)).toBeCloseTo((Math.min(Date.parse(pull[0]!.at), built.now.getTime()) - newest) / 1000, 0);
    expect(Number(r.evidence.age_seconds)).toBeGreaterThan(5 * 3600);
    expect(r.reason).toContain('EKS events normally arrive well within 30 min');
    expect(row('high-lag', 'freshness').status).toBe('ok');
  });

  it('reports how much history is held and whether a backfill can help', () => {
    const r = row('short-history', 'history-meets-target');
    expect(r.reason).toMatch(/holds only 9\.\d days of events/);
    expect(r.reason).toContain('a backfill can fetch up to 90 days');
    expect(r.remediation).toContain('kubetrail pull --config');
    expect(r.remediation).toContain('--cluster short-history --since 90d');
  });

  it('lists what could not be read and the permissions to grant', () => {
    const r = row('posture-unreadable', 'posture-readable');
    expect(r.reason).toContain('Could not read 3 of 3 facts');
    expect(r.reason).toContain('eks:DescribeCluster');
    expect(r.remediation).toContain('Allow the identity kubetrail uses: eks:DescribeCluster, logs:DescribeLogGroups');
    for (const c of ['audit-logging-enabled', 'retention-meets-target', 'reads-collected']) expect(row('posture-unreadable', c).status).toBe('unknown');
  });

  it('keeps earlier runs and reports the newest in coverage_latest', async () => {
    await runCoverage(built.db, built.job, { runId: 'cov-2', now: new Date(built.now.getTime() + 1000), log: silentLogger(), detections: DETECTIONS });
    const conn = await built.db.connect();
    const n = await plainRows<{ runs: number; latest: number; run: string }>(
      conn,
      `SELECT (SELECT count(DISTINCT run_id) FROM coverage) AS runs, (SELECT count(*) FROM coverage_latest) AS latest,
              (SELECT any_value(run_id) FROM coverage_latest) AS run`,
    );
    conn.closeSync();
    expect(n[0]).toEqual({ runs: 2, latest: rows.length, run: 'cov-2' });
  });
});
