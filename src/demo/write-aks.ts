/**
 * demo-aks, whose diagnostic setting sends only `kube-audit-admin` (no get, no list). Monday and
 * Tuesday come from the Event Hub the setting streamed to before the workspace existed: Azure
 * diagnostic records, `{"records": [...]}` per message, the Event as a JSON string in properties.log.
 * From Wednesday on, rows of the Log Analytics table AKSAuditAdmin as
 * `AKSAuditAdmin | extend IngestionTime = ingestion_time()` returns them (PascalCase columns; bodies AKS
 * found too big are the string "skipped-too-big-size-object").
 */
import { AKS_RESOURCE_ID, AKS_SUBSCRIPTION } from './clusters.js';
import { ClusterOutput, jsonLines } from './output.js';
import { AKS_TOO_BIG } from './provider-traffic.js';
import type { Random } from './random.js';
import { eventJson, type AuditEvent, US } from './request.js';
import { dateOf, dayIndex, DAY_US, isoFraction, type Week } from './timeline.js';

const TENANT = '72f988bf-0000-4c1a-9b2d-3e4f5a6b7c8d';
export const WORKSPACE_CUSTOMER_ID = 'b3c4d5e6-f7a8-4b9c-8d0e-1f2a3b4c5d6e';
const TOO_BIG = 'skipped-too-big-size-object';
const API_PODS = ['kube-apiserver-6d9c8b7f5-kx2lp', 'kube-apiserver-6d9c8b7f5-q8mzt'];

export function toAksRow(e: AuditEvent, rng: Random, lagUs: number): Record<string, unknown> {
  const big = AKS_TOO_BIG(e);
  const generated = e[US] + rng.int(100, 900);
  return {
    TenantId: WORKSPACE_CUSTOMER_ID,
    TimeGenerated: isoFraction(generated, 7, rng.int(0, 9)),
    Level: e.level,
    AuditId: e.auditID,
    Stage: e.stage,
    RequestUri: e.requestURI,
    Verb: e.verb,
    User: e.user,
    SourceIps: e.sourceIPs ?? null,
    UserAgent: e.userAgent ?? '',
    ObjectRef: e.objectRef ?? null,
    ResponseStatus: e.responseStatus ?? null,
    RequestObject: big && e.requestObject !== undefined ? TOO_BIG : (e.requestObject ?? null),
    ResponseObject: big && e.responseObject !== undefined ? TOO_BIG : (e.responseObject ?? null),
    RequestReceivedTime: e.requestReceivedTimestamp,
    StageReceivedTime: e.stageTimestamp,
    Annotations: e.annotations ?? null,
    PodName: API_PODS[rng.int(0, 1)],
    SourceSystem: 'Azure',
    Type: 'AKSAuditAdmin',
    _ResourceId: AKS_RESOURCE_ID.toLowerCase(),
    _SubscriptionId: AKS_SUBSCRIPTION,
    IngestionTime: isoFraction(generated + lagUs, 7, rng.int(0, 9)),
  };
}

export function toDiagnosticRecord(e: AuditEvent, rng: Random): Record<string, unknown> {
  return {
    time: isoFraction(e[US] + rng.int(50, 400), 9, rng.int(0, 999)),
    resourceId: AKS_RESOURCE_ID.toUpperCase(),
    category: 'kube-audit-admin',
    operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    properties: { log: eventJson(e), stream: 'stdout', pod: API_PODS[rng.int(0, 1)], containerID: 'a64cba7fefbf5020788dc29d9247157585bbb64826bf7209623ca7bb49b15fe7' },
    Cloud: 'AzureCloud',
    Environment: 'prod',
    ccpNamespace: '6512f0c4a8e9b70001d3c2b1',
  };
}

export function writeAks(out: ClusterOutput, events: AuditEvent[], week: Week, rng: Random, eventHubUntil: number): void {
  const byDay = new Map<number, AuditEvent[]>();
  for (const e of events) {
    const day = dayIndex(week, e[US]);
    (byDay.get(day) ?? byDay.set(day, []).get(day)!).push(e);
  }
  for (const [day, list] of [...byDay.entries()].sort((a, b) => a[0] - b[0])) {
    const dayStart = week.anchorUs + day * DAY_US;
    const date = dateOf(dayStart);
    if (dayStart < eventHubUntil) {
      // Event Hub messages: batches of records, one message per line
      const messages: unknown[] = [];
      for (let i = 0; i < list.length; ) {
        const n = rng.int(20, 120);
        messages.push({ records: list.slice(i, i + n).map((e) => toDiagnosticRecord(e, rng)) });
        i += n;
      }
      out.write(`eventhub/insights-logs-kube-audit-admin-${date}.json`, jsonLines(messages), list.length, list[list.length - 1]![US] + 120e6);
    } else {
      const rows = list.map((e) => toAksRow(e, rng, Math.round(Math.min(rng.lognormal(45e6, 0.6), 600e6))));
      out.write(`log-analytics/AKSAuditAdmin-${date}.jsonl`, jsonLines(rows), rows.length, Date.parse(rows[rows.length - 1]!.IngestionTime as string) * 1000);
    }
  }
}
