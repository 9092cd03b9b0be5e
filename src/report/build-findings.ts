/**
 * The findings report's model: every finding seen in the period, grouped by detection (most severe
 * first), with who, from where, sample events and the detection's response steps. A finding is new when
 * the previous findings report written to the same output directory did not list it (report_findings):
 * an ad-hoc report written elsewhere (`kubetrail report --out /tmp/x`) does not consume the new marks of
 * the scheduled series.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Detection } from '../detect/detection.js';
import { plainRows } from '../queries/plain-rows.js';
import { MAX_ITEMS, type DetectionSection, type EvidenceSample, type FindingItem, type FindingsReport, type ReportHeader } from './model.js';
import { loadMacros, reportRows, tableExists } from './queries.js';

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'];

interface FindingRow {
  detection_id: string;
  severity: string;
  cluster: string;
  fingerprint: string;
  first_seen: string;
  last_seen: string;
  event_count: number;
  summary: string;
  audit_ids: string[] | null;
  status: string;
  is_new: boolean;
}

interface EvidenceRow {
  detection_id: string;
  cluster: string;
  fingerprint: string;
  principals: string[];
  source_ips: string[];
  user_agents: string[];
  samples: EvidenceSample[];
}

export interface FindingsOptions {
  header: ReportHeader;
  detections: Detection[];
  /** The paths this report is written to: the previous report is the newest one that wrote any of them. */
  paths: string[];
}

export async function buildFindings(conn: DuckDBConnection, opts: FindingsOptions): Promise<FindingsReport> {
  await loadMacros(conn);
  const previous = await previousReport(conn, opts.header.reportId, opts.paths);
  const base: FindingsReport = {
    ...opts.header,
    kind: 'findings',
    available: await tableExists(conn, 'findings'),
    previousReport: previous,
    totals: { detections: 0, findings: 0, newFindings: 0, events: 0, bySeverity: {} },
    detections: [],
  };
  if (!base.available) return base;
  const params = { since: opts.header.period.start, until: opts.header.period.end, previous: previous?.reportId ?? '' };
  const findings = await reportRows<FindingRow>(conn, 'findings', 'findings', params);
  const evidence = await reportRows<EvidenceRow>(conn, 'findings', 'evidence', params);
  const key = (r: { detection_id: string; cluster: string; fingerprint: string }) => `${r.detection_id}\u0000${r.cluster}\u0000${r.fingerprint}`;
  const ev = new Map(evidence.map((e) => [key(e), e]));
  const meta = new Map(opts.detections.map((d) => [d.id, d]));

  const sections = new Map<string, DetectionSection>();
  for (const f of findings) {
    const d = meta.get(f.detection_id);
    const s =
      sections.get(f.detection_id) ??
      sections
        .set(f.detection_id, {
          detectionId: f.detection_id,
          title: d?.title ?? f.detection_id,
          severity: f.severity,
          mitre: d?.mitre ?? [],
          description: d?.description ?? '',
          response: d?.response ?? '',
          inLibrary: !!d,
          findings: 0,
          newFindings: 0,
          events: 0,
          firstSeen: f.first_seen,
          lastSeen: f.last_seen,
          clusters: [],
          principals: [],
          sourceIps: [],
          items: [],
          omittedItems: 0,
        })
        .get(f.detection_id)!;
    const e = ev.get(key(f));
    const item: FindingItem = {
      cluster: f.cluster,
      fingerprint: f.fingerprint,
      firstSeen: f.first_seen,
      lastSeen: f.last_seen,
      eventCount: f.event_count,
      summary: f.summary,
      status: f.status,
      isNew: previous ? f.is_new : true,
      auditIds: f.audit_ids ?? [],
      principals: e?.principals ?? [],
      sourceIps: e?.source_ips ?? [],
      userAgents: e?.user_agents ?? [],
      samples: e?.samples ?? [],
    };
    s.items.push(item);
    s.findings++;
    if (item.isNew) s.newFindings++;
    s.events += f.event_count;
    if (f.first_seen < s.firstSeen) s.firstSeen = f.first_seen;
    if (f.last_seen > s.lastSeen) s.lastSeen = f.last_seen;
    if (SEVERITY_ORDER.indexOf(f.severity) >= 0 && SEVERITY_ORDER.indexOf(f.severity) < SEVERITY_ORDER.indexOf(s.severity)) s.severity = f.severity;
    for (const [list, add] of [[s.clusters, [f.cluster]], [s.principals, item.principals], [s.sourceIps, item.sourceIps]] as const) {
      for (const x of add) if (!list.includes(x)) (list as string[]).push(x);
    }
  }
  const detections = [...sections.values()].sort(
    (a, b) => rank(a.severity) - rank(b.severity) || b.findings - a.findings || a.detectionId.localeCompare(b.detectionId),
  );
  for (const d of detections) {
    d.items.sort((a, b) => Number(b.isNew) - Number(a.isNew) || b.lastSeen.localeCompare(a.lastSeen));
    d.omittedItems = Math.max(0, d.items.length - MAX_ITEMS);
    d.items = d.items.slice(0, MAX_ITEMS);
    d.principals = d.principals.slice(0, 20);
    d.sourceIps = d.sourceIps.slice(0, 20);
  }
  const bySeverity: Record<string, number> = {};
  for (const d of detections) bySeverity[d.severity] = (bySeverity[d.severity] ?? 0) + d.findings;
  return {
    ...base,
    totals: {
      detections: detections.length,
      findings: findings.length,
      newFindings: detections.reduce((n, d) => n + d.newFindings, 0),
      events: detections.reduce((n, d) => n + d.events, 0),
      bySeverity,
    },
    detections,
  };
}

function rank(severity: string): number {
  const i = SEVERITY_ORDER.indexOf(severity);
  return i < 0 ? SEVERITY_ORDER.length : i;
}

/**
 * The newest findings report, other than this one, that wrote to one of `paths` (the same output
 * directory: <out>/findings.<format>). Reports written anywhere else are a different series.
 */
async function previousReport(conn: DuckDBConnection, reportId: string, paths: string[]): Promise<{ reportId: string; generatedAt: string } | null> {
  if (!paths.length) return null;
  const rows = await plainRows<{ report_id: string; generated_at: string }>(
    conn,
    `SELECT report_id, generated_at FROM reports
     WHERE kind = 'findings' AND report_id <> $id AND list_has_any(paths, CAST(CAST($paths AS JSON) AS VARCHAR[]))
     ORDER BY generated_at DESC, report_id DESC LIMIT 1`,
    { id: reportId, paths: JSON.stringify(paths) },
  );
  return rows[0] ? { reportId: rows[0].report_id, generatedAt: rows[0].generated_at } : null;
}
