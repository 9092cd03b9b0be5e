/**
 * The report model: plain data, built by SQL (queries/reports/<kind>/) and formatted by the renderers.
 * The JSON renderer writes it as it is, so these types are the JSON contract: docs/report-schema.md
 * explains them and docs/report-v1.schema.json checks them. Change them only additively; anything else
 * is a new schema version.
 */

export const REPORT_SCHEMA = 'kubetrail-report';
export const REPORT_SCHEMA_VERSION = 1;

export type Status = 'ok' | 'alarm' | 'unknown' | 'info';
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface ReportHeader {
  schema: typeof REPORT_SCHEMA;
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  reportId: string;
  generatedAt: string;
  period: { start: string; end: string };
  tool: { name: 'kubetrail'; version: string };
  runId: string | null;
}

export interface CheckInfo {
  id: string;
  title: string;
  label: string;
  kind: 'configuration' | 'observed';
  means: string;
}

export interface CheckResult {
  checkId: string;
  status: Status;
  /** Built from logs in part (user and object names): escape it. */
  reason: string;
  evidence: unknown;
  remediation: string | null;
  checkedAt: string;
}

export interface FleetRow {
  cluster: string;
  provider: string;
  alarms: number;
  unknown: number;
  /** check id -> status; null when the check has not run for the cluster. */
  statuses: Record<string, Status | null>;
}

export interface HeatCell {
  events: number;
  /** events; hole: none while the cluster was logging before and after; idle: none, before its first or after its last event; outside: not in the period */
  state: 'events' | 'hole' | 'idle' | 'outside';
}

export interface HeatRow {
  day: string;
  /** 24 cells, hour 0 to 23 UTC. */
  hours: HeatCell[];
}

export interface BlindDetection {
  id: string;
  title: string;
  severity: string;
  missing: string[];
  providerLimit: string | null;
}

export interface TopFinding {
  detectionId: string;
  title: string;
  severity: string;
  findings: number;
  events: number;
  lastSeen: string;
  summary: string;
}

export interface ClusterSection {
  cluster: string;
  provider: string;
  labels: Record<string, string>;
  checkedAt: string | null;
  counts: Record<Status, number>;
  checks: CheckResult[];
  posture: { fact: string; status: 'known' | 'unknown'; value: unknown; reason: string | null; observedAt: string }[];
  events: number;
  eventsPerDay: { day: string; events: number }[];
  heatmap: HeatRow[];
  lag: { events: number; p50Seconds: number; p95Seconds: number; p99Seconds: number; maxSeconds: number } | null;
  levels: { level: string; requests: number }[];
  access: {
    requests: number;
    reads: number;
    readShare: number | null;
    watches: number;
    bodyWrites: number;
    withRequestBody: number;
    requestBodyShare: number | null;
    withResponseBody: number;
    responseBodyShare: number | null;
  };
  blindDetections: BlindDetection[];
  topFindings: TopFinding[];
  remediation: { checkId: string; title: string; status: Status; text: string }[];
}

export interface WeeklyReport extends ReportHeader {
  kind: 'weekly';
  checks: CheckInfo[];
  fleet: {
    clusters: number;
    alarms: number;
    unknown: number;
    /** Worst first: most alarms, then most unknown, then name. */
    rows: FleetRow[];
    byCheck: { checkId: string; alarm: number; unknown: number; info: number; ok: number }[];
  };
  clusters: ClusterSection[];
}

export interface EvidenceSample {
  auditId: string;
  eventTime: string;
  user: string | null;
  verb: string | null;
  resource: string | null;
  subresource: string | null;
  namespace: string | null;
  name: string | null;
  sourceIps: string[];
  userAgent: string | null;
  responseCode: number | null;
  requestUri: string | null;
}

export interface FindingItem {
  cluster: string;
  fingerprint: string;
  firstSeen: string;
  lastSeen: string;
  eventCount: number;
  summary: string;
  status: string;
  isNew: boolean;
  auditIds: string[];
  principals: string[];
  sourceIps: string[];
  userAgents: string[];
  samples: EvidenceSample[];
}

export interface DetectionSection {
  detectionId: string;
  title: string;
  severity: string;
  mitre: string[];
  description: string;
  response: string;
  /** false: the detection is no longer in the library (title and response unknown). */
  inLibrary: boolean;
  findings: number;
  newFindings: number;
  events: number;
  firstSeen: string;
  lastSeen: string;
  clusters: string[];
  principals: string[];
  sourceIps: string[];
  /** At most MAX_ITEMS findings, new first, then most recent. */
  items: FindingItem[];
  /** Findings beyond those listed in items. */
  omittedItems: number;
}

export const MAX_ITEMS = 100;

export interface FindingsReport extends ReportHeader {
  kind: 'findings';
  /** false when the findings table does not exist yet (no detection run). */
  available: boolean;
  previousReport: { reportId: string; generatedAt: string } | null;
  totals: { detections: number; findings: number; newFindings: number; events: number; bySeverity: Record<string, number> };
  /** Most severe first, then most findings. */
  detections: DetectionSection[];
}

export type ReportModel = WeeklyReport | FindingsReport;
