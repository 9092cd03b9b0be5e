/**
 * The Cloud Logging filter for one query: both Kubernetes audit logs of a project, the clusters that
 * share the query (matched on their resource labels, so the entries can be routed back), the k8s.io
 * service, and a window on timestamp and receiveTimestamp.
 */
import type { Window } from './cursor.js';
import { formatRfc3339 } from './timestamp.js';

export const AUDIT_LOG_IDS = ['cloudaudit.googleapis.com%2Factivity', 'cloudaudit.googleapis.com%2Fdata_access'] as const;

export interface ClusterRef {
  location: string;
  cluster: string;
}

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function auditFilter(project: string, clusters: readonly ClusterRef[], w: Window): string {
  const logs = AUDIT_LOG_IDS.map((id) => `logName=${quote(`projects/${project}/logs/${id}`)}`).join(' OR ');
  const one = (c: ClusterRef) => `(resource.labels.cluster_name=${quote(c.cluster)} AND resource.labels.location=${quote(c.location)})`;
  const parts = [
    `(${logs})`,
    `resource.type="k8s_cluster"`,
    clusters.length === 1 ? one(clusters[0]!) : `(${clusters.map(one).join(' OR ')})`,
    `protoPayload.serviceName="k8s.io"`,
    `timestamp>=${quote(formatRfc3339(w.timestampFrom))}`,
  ];
  if (w.timestampBefore !== undefined) parts.push(`timestamp<${quote(formatRfc3339(w.timestampBefore))}`);
  if (w.receivedFrom !== undefined) parts.push(`receiveTimestamp>=${quote(formatRfc3339(w.receivedFrom))}`);
  if (w.receivedBefore !== undefined) parts.push(`receiveTimestamp<${quote(formatRfc3339(w.receivedBefore))}`);
  return parts.join(' AND ');
}
