/**
 * Log Analytics rows for the double, built from Kubernetes audit events. No public sample of AKSAudit
 * or AzureDiagnostics rows exists, so these envelopes are ours, built from the documented schemas
 * (provider-facts.md §3.2): AKSAudit/AKSAuditAdmin split the Event into PascalCase columns;
 * AzureDiagnostics keeps it as JSON text in log_s with the category in Category.
 */
import { createHash } from 'node:crypto';

export type AuditEvent = Record<string, unknown> & {
  auditID: string;
  stage?: string;
  verb?: string;
  stageTimestamp?: string;
  requestReceivedTimestamp?: string;
};

export type LaTable = 'AKSAudit' | 'AKSAuditAdmin' | 'AzureDiagnostics';

/** A row the double stores: its table, its cluster, its times (µs since epoch) and its columns. */
export interface StoredRow {
  table: LaTable;
  resourceId: string;
  /** TimeGenerated, µs. */
  generated: number;
  /** ingestion_time(), µs. */
  ingested: number;
  columns: Record<string, unknown>;
  /** Column values as the API sends them, computed once (the double's own cache). */
  wire?: Record<string, unknown>;
}

/** µs since the epoch from an ISO time with up to 7 fractional digits. */
export function micros(iso: string): number {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(iso);
  if (!m) throw new Error(`not an ISO time: ${iso}`);
  const whole = Date.parse(`${m[1]}${m[3]}`);
  const frac = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return whole * 1000 + Number(frac);
}

/** KQL's text form of a datetime: 7 fractional digits. */
export function kqlTimeText(us: number): string {
  const ms = Math.floor(us / 1000);
  const sub = us - ms * 1000;
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(ms % 1000).padStart(3, '0')}${String(sub).padStart(3, '0')}0Z`;
}

export interface RowOptions {
  resourceId: string;
  /** Ingestion delay after TimeGenerated (ms), or an absolute ingestion time (µs) via `ingestedAt`. */
  delayMs?: number;
  ingestedAt?: number;
}

const eventTime = (e: AuditEvent): number => micros(String(e.stageTimestamp ?? e.requestReceivedTimestamp));

export function tableRow(e: AuditEvent, table: 'AKSAudit' | 'AKSAuditAdmin', o: RowOptions): StoredRow {
  const generated = eventTime(e);
  const ingested = o.ingestedAt ?? generated + (o.delayMs ?? 60_000) * 1000;
  return {
    table,
    resourceId: o.resourceId,
    generated,
    ingested,
    columns: {
      AuditId: e.auditID,
      Level: e.level ?? null,
      Stage: e.stage ?? null,
      RequestUri: e.requestURI ?? null,
      Verb: e.verb ?? null,
      User: e.user ?? null,
      SourceIps: e.sourceIPs ?? null,
      UserAgent: e.userAgent ?? null,
      ObjectRef: e.objectRef ?? null,
      ResponseStatus: e.responseStatus ?? null,
      RequestObject: e.requestObject ?? null,
      ResponseObject: e.responseObject ?? null,
      RequestReceivedTime: e.requestReceivedTimestamp ? micros(e.requestReceivedTimestamp) : null,
      StageReceivedTime: e.stageTimestamp ? micros(e.stageTimestamp) : null,
      Annotations: e.annotations ?? null,
      PodName: 'kube-apiserver-6b8d9c7f5-x2x7q',
      SourceSystem: 'Azure',
      Type: table,
    },
  };
}

export function diagnosticsRow(e: AuditEvent, category: 'kube-audit' | 'kube-audit-admin', o: RowOptions): StoredRow {
  const generated = eventTime(e);
  const ingested = o.ingestedAt ?? generated + (o.delayMs ?? 60_000) * 1000;
  return {
    table: 'AzureDiagnostics',
    resourceId: o.resourceId,
    generated,
    ingested,
    columns: {
      Category: category,
      log_s: JSON.stringify(e),
      pod_s: 'kube-apiserver-6b8d9c7f5-x2x7q',
      ResourceProvider: 'MICROSOFT.CONTAINERSERVICE',
      ResourceType: 'MANAGEDCLUSTERS',
      ResourceId: o.resourceId.toUpperCase(),
      SourceSystem: 'Azure',
      Type: 'AzureDiagnostics',
    },
  };
}

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const USERS = [
  { username: 'masterclient', groups: ['system:masters', 'system:authenticated'] },
  { username: 'system:serviceaccount:kube-system:replicaset-controller', uid: 'b5f6c1a2-1111-4b1e-9a3e-0f1e2d3c4b5a', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] },
  { username: 'alice@example.com', uid: 'c0ffee00-2222-4c2d-8e7f-123456789abc', groups: ['aad-group-platform', 'system:authenticated'], extra: { oid: ['c0ffee00-2222-4c2d-8e7f-123456789abc'] } },
];
const RESOURCES = ['pods', 'configmaps', 'deployments', 'services', 'secrets', 'leases'];

function hex(seed: string, n: number): string {
  return createHash('sha256').update(`${seed}:${n}`).digest('hex');
}

/**
 * Deterministic synthetic events (about 1.2 KB each as rows), `count` of them spread evenly over
 * [startUs, startUs + spanUs). `truncatedEvery`: every n-th write has its request body replaced by
 * AKS's "skipped-too-big-size-object".
 */
export function syntheticEvents(seed: string, count: number, startUs: number, spanUs: number, truncatedEvery = 0): AuditEvent[] {
  const out: AuditEvent[] = [];
  for (let i = 0; i < count; i++) {
    const h = hex(seed, i);
    const verb = VERBS[parseInt(h.slice(0, 2), 16) % VERBS.length]!;
    const user = USERS[parseInt(h.slice(2, 4), 16) % USERS.length]!;
    const resource = RESOURCES[parseInt(h.slice(4, 6), 16) % RESOURCES.length]!;
    const ns = ['default', 'kube-system', 'payments'][parseInt(h.slice(6, 8), 16) % 3]!;
    const name = `${resource.slice(0, -1)}-${h.slice(8, 14)}`;
    const stageUs = startUs + Math.floor((spanUs * i) / Math.max(1, count));
    const receivedUs = stageUs - 1000 - (parseInt(h.slice(14, 18), 16) % 50_000);
    const write = ['create', 'update', 'patch'].includes(verb);
    const truncated = truncatedEvery > 0 && write && i % truncatedEvery === 0;
    const body = {
      kind: resource === 'pods' ? 'Pod' : 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name, namespace: ns, labels: { app: `app-${h.slice(20, 24)}`, team: 'platform' }, annotations: { 'example.com/owner': 'team-platform' } },
      spec: { containers: [{ name: 'main', image: `registry.example.com/app:${h.slice(24, 32)}`, args: ['--port=8080', '--log-level=info'], resources: { limits: { cpu: '500m', memory: '256Mi' } } }] },
    };
    out.push({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: write ? 'RequestResponse' : 'Request',
      auditID: `${h.slice(32, 40)}-${h.slice(40, 44)}-4${h.slice(45, 48)}-a${h.slice(49, 52)}-${h.slice(52, 64)}`,
      stage: 'ResponseComplete',
      requestURI: `/api/v1/namespaces/${ns}/${resource}${verb === 'list' || verb === 'create' ? '' : `/${name}`}`,
      verb,
      user,
      sourceIPs: [`10.${parseInt(h.slice(0, 2), 16)}.${parseInt(h.slice(2, 4), 16)}.${parseInt(h.slice(4, 6), 16)}`],
      userAgent: 'kubectl/v1.30.2 (linux/amd64) kubernetes/3968350',
      objectRef: { resource, namespace: ns, ...(verb === 'list' || verb === 'create' ? {} : { name }), apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: verb === 'create' ? 201 : 200 },
      ...(write ? { requestObject: truncated ? 'skipped-too-big-size-object' : body } : {}),
      requestReceivedTimestamp: kqlTimeText(receivedUs).replace(/0Z$/, 'Z'),
      stageTimestamp: kqlTimeText(stageUs).replace(/0Z$/, 'Z'),
      annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding "cluster-admin"' },
    });
  }
  return out;
}
