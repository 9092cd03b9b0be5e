/**
 * The weekly coverage report's model: the newest coverage results (kubetrail coverage writes them) and,
 * for the period, what the events show per cluster. Clusters are listed worst first.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LoadedJob } from '../config/load.js';
import type { CoverageCheck } from '../coverage/checks.js';
import { coverageClusters } from '../coverage/clusters.js';
import { tempTable } from '../coverage/prepare.js';
import type { Detection } from '../detect/detection.js';
import type { Plain } from '../queries/plain-rows.js';
import type { BlindDetection, CheckResult, ClusterSection, HeatRow, ReportHeader, Status, WeeklyReport } from './model.js';
import { loadMacros, reportRows, tableExists } from './queries.js';

export interface BuildOptions {
  header: ReportHeader;
  checks: CoverageCheck[];
  detections: Detection[];
}

const STATUSES: Status[] = ['alarm', 'unknown', 'info', 'ok'];

export async function buildWeekly(conn: DuckDBConnection, job: LoadedJob, opts: BuildOptions): Promise<WeeklyReport> {
  await loadMacros(conn);
  const clusters = await coverageClusters(conn, job, new Date(opts.header.generatedAt));
  await tempTable(
    conn,
    'kt_rep_clusters',
    { cluster: 'VARCHAR', provider: 'VARCHAR', labels: 'JSON', ord: 'INTEGER' },
    clusters.map((c, i) => ({ cluster: c.cluster, provider: c.provider, labels: c.labels, ord: i })),
  );
  await tempTable(
    conn,
    'kt_rep_checks',
    { id: 'VARCHAR', title: 'VARCHAR', ord: 'INTEGER' },
    opts.checks.map((c, i) => ({ id: c.id, title: c.title, ord: i })),
  );
  const params = { since: opts.header.period.start, until: opts.header.period.end };
  const hasFindings = await tableExists(conn, 'findings');
  // One connection answers one query at a time.
  const coverage = await reportRows<{ cluster: string; check_id: string; status: Status; reason: string; evidence: Plain; remediation: string | null; checked_at: string }>(conn, 'weekly', 'coverage', params);
  const posture = await reportRows<{ cluster: string; fact: string; status: 'known' | 'unknown'; value: Plain; reason: string | null; observed_at: string }>(conn, 'weekly', 'posture', params);
  const perDay = await reportRows<{ cluster: string; day: string; events: number }>(conn, 'weekly', 'events-per-day', params);
  const heat = await reportRows<{ cluster: string; day: string; hour: number; events: number; state: 'events' | 'hole' | 'idle' | 'outside' }>(conn, 'weekly', 'heatmap', params);
  const lag = await reportRows<{ cluster: string; events: number; p: number[]; max_seconds: number }>(conn, 'weekly', 'lag', params);
  const access = await reportRows<AccessRow>(conn, 'weekly', 'access', params);
  const top = hasFindings
    ? await reportRows<{ cluster: string; detection_id: string; severity: string; findings: number; events: number; last_seen: string; summary: string }>(conn, 'weekly', 'top-findings', params)
    : [];

  const titles = new Map(opts.checks.map((c) => [c.id, c.title]));
  const detectionTitles = new Map(opts.detections.map((d) => [d.id, d.title]));
  const by = <T extends { cluster: string }>(rows: T[]) => {
    const m = new Map<string, T[]>();
    for (const r of rows) (m.get(r.cluster) ?? m.set(r.cluster, []).get(r.cluster)!).push(r);
    return m;
  };
  const coverageBy = by(coverage);
  const postureBy = by(posture);
  const dayBy = by(perDay);
  const heatBy = by(heat);
  const lagBy = new Map(lag.map((l) => [l.cluster, l]));
  const accessBy = new Map(access.map((a) => [a.cluster, a]));
  const topBy = by(top);

  const sections: ClusterSection[] = clusters.map((c) => {
    const results: CheckResult[] = (coverageBy.get(c.cluster) ?? []).map((r) => ({
      checkId: r.check_id,
      status: r.status,
      reason: r.reason,
      evidence: r.evidence,
      remediation: r.remediation,
      checkedAt: r.checked_at,
    }));
    const counts = Object.fromEntries(STATUSES.map((s) => [s, results.filter((r) => r.status === s).length])) as Record<Status, number>;
    const a = accessBy.get(c.cluster);
    const l = lagBy.get(c.cluster);
    const blind = results.find((r) => r.checkId === 'blind-detections');
    return {
      cluster: c.cluster,
      provider: c.provider,
      labels: c.labels,
      checkedAt: results.length ? results.map((r) => r.checkedAt).sort().at(-1)! : null,
      counts,
      checks: results,
      posture: (postureBy.get(c.cluster) ?? []).map((p) => ({ fact: p.fact, status: p.status, value: p.value, reason: p.reason, observedAt: p.observed_at })),
      events: a?.events ?? 0,
      eventsPerDay: (dayBy.get(c.cluster) ?? []).map((d) => ({ day: d.day, events: d.events })),
      heatmap: heatRows(heatBy.get(c.cluster) ?? []),
      lag: l ? { events: l.events, p50Seconds: l.p[0]!, p95Seconds: l.p[1]!, p99Seconds: l.p[2]!, maxSeconds: l.max_seconds } : null,
      levels: (a?.levels ?? []).map((x) => ({ level: x.level, requests: x.requests })),
      access: {
        requests: a?.requests ?? 0,
        reads: a?.reads ?? 0,
        readShare: a?.requests ? a.reads / a.requests : null,
        watches: a?.watches ?? 0,
        bodyWrites: a?.body_writes ?? 0,
        withRequestBody: a?.with_request_body ?? 0,
        requestBodyShare: a?.body_writes ? a.with_request_body / a.body_writes : null,
        withResponseBody: a?.with_response_body ?? 0,
        responseBodyShare: a?.body_writes ? a.with_response_body / a.body_writes : null,
      },
      blindDetections: blindList(blind?.evidence),
      topFindings: (topBy.get(c.cluster) ?? []).map((t) => ({
        detectionId: t.detection_id,
        title: detectionTitles.get(t.detection_id) ?? t.detection_id,
        severity: t.severity,
        findings: t.findings,
        events: t.events,
        lastSeen: t.last_seen,
        summary: t.summary,
      })),
      remediation: results
        .filter((r) => (r.status === 'alarm' || r.status === 'unknown') && r.remediation)
        .sort((x, y) => STATUSES.indexOf(x.status) - STATUSES.indexOf(y.status))
        .map((r) => ({ checkId: r.checkId, title: titles.get(r.checkId) ?? r.checkId, status: r.status, text: r.remediation! })),
    };
  });

  sections.sort((x, y) => y.counts.alarm - x.counts.alarm || y.counts.unknown - x.counts.unknown || x.cluster.localeCompare(y.cluster));
  return {
    ...opts.header,
    kind: 'weekly',
    checks: opts.checks.map((c) => ({ id: c.id, title: c.title, label: c.label, kind: c.kind, means: c.means })),
    fleet: {
      clusters: sections.length,
      alarms: sections.reduce((n, s) => n + s.counts.alarm, 0),
      unknown: sections.reduce((n, s) => n + s.counts.unknown, 0),
      rows: sections.map((s) => ({
        cluster: s.cluster,
        provider: s.provider,
        alarms: s.counts.alarm,
        unknown: s.counts.unknown,
        statuses: Object.fromEntries(opts.checks.map((c) => [c.id, s.checks.find((r) => r.checkId === c.id)?.status ?? null])),
      })),
      byCheck: opts.checks.map((c) => {
        const st = sections.map((s) => s.checks.find((r) => r.checkId === c.id)?.status);
        return { checkId: c.id, alarm: st.filter((x) => x === 'alarm').length, unknown: st.filter((x) => x === 'unknown').length, info: st.filter((x) => x === 'info').length, ok: st.filter((x) => x === 'ok').length };
      }),
    },
    clusters: sections,
  };
}

interface AccessRow {
  cluster: string;
  events: number;
  requests: number;
  reads: number;
  watches: number;
  body_writes: number;
  with_request_body: number;
  with_response_body: number;
  levels: { level: string; requests: number }[];
}

function heatRows(cells: { day: string; hour: number; events: number; state: 'events' | 'hole' | 'idle' | 'outside' }[]): HeatRow[] {
  const rows = new Map<string, HeatRow>();
  for (const c of cells) {
    const row = rows.get(c.day) ?? { day: c.day, hours: Array.from({ length: 24 }, () => ({ events: 0, state: 'outside' as const })) };
    rows.set(c.day, row);
    row.hours[c.hour] = { events: c.events, state: c.state };
  }
  return [...rows.values()];
}

function blindList(evidence: unknown): BlindDetection[] {
  const list = (evidence as { blind?: { id: string; title: string; severity: string; missing: string[]; provider_limit: string | null }[] } | null)?.blind ?? [];
  return list.map((b) => ({ id: b.id, title: b.title, severity: b.severity, missing: b.missing ?? [], providerLimit: b.provider_limit ?? null }));
}
