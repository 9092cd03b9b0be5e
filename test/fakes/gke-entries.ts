/**
 * GKE audit LogEntries in the JSON `gcloud logging read --format=json` prints, for the Cloud Logging
 * double: a builder for one entry with the fields a test names, and a generator of realistic traffic
 * for benchmarks and the standalone double. The shapes follow the public samples in
 * shared/data/elastic/gcp-audit (our own values).
 */

export type GkeEntry = Record<string, unknown> & { insertId: string; timestamp: string; receiveTimestamp: string; logName: string };

export interface EntrySpec {
  project: string;
  location: string;
  cluster: string;
  insertId: string;
  /** RFC 3339 */
  timestamp: string;
  receiveTimestamp?: string;
  method: string; // io.k8s.core.v1.pods.exec.create
  resourceName: string; // core/v1/namespaces/default/pods/web/exec
  principal?: string;
  callerIp?: string;
  userAgent?: string;
  /** google.rpc code; 0 = OK (written as `status: {}` as the API does). */
  rpcCode?: number;
  statusMessage?: string;
  granted?: boolean;
  /** No authorization happened (e.g. authentication failed): no authorizationInfo, no decision label. */
  noAuthorization?: boolean;
  labels?: Record<string, string>;
  operationId?: string;
  first?: boolean;
  last?: boolean;
  log?: 'activity' | 'data_access';
  request?: Record<string, unknown>;
  response?: Record<string, unknown>;
}

const READS = new Set(['get', 'list', 'watch']);

export function gkeEntry(s: EntrySpec): GkeEntry {
  const verb = s.method.split('.').at(-1)!;
  const log = s.log ?? (READS.has(verb) ? 'data_access' : 'activity');
  const payload: Record<string, unknown> = {
    '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
    authenticationInfo: { principalEmail: s.principal ?? 'alice@example.com' },
    ...(s.noAuthorization ? {} : { authorizationInfo: [{ permission: s.method, resource: s.resourceName, ...(s.granted === false ? {} : { granted: true }) }] }),
    methodName: s.method,
    requestMetadata: { callerIp: s.callerIp ?? '203.0.113.7', callerSuppliedUserAgent: s.userAgent ?? 'kubectl/v1.31.0 (linux/amd64) kubernetes/abcdef' },
    resourceName: s.resourceName,
    serviceName: 'k8s.io',
    status: s.rpcCode ? { code: s.rpcCode, ...(s.statusMessage ? { message: s.statusMessage } : {}) } : {},
  };
  if (s.request) payload.request = s.request;
  if (s.response) payload.response = s.response;
  const labels = s.labels ?? (s.noAuthorization ? {} : { 'authorization.k8s.io/decision': s.granted === false ? 'forbid' : 'allow', 'authorization.k8s.io/reason': '' });
  return {
    insertId: s.insertId,
    ...(Object.keys(labels).length ? { labels } : {}),
    logName: `projects/${s.project}/logs/cloudaudit.googleapis.com%2F${log}`,
    operation: { id: s.operationId ?? s.insertId, producer: 'k8s.io', ...(s.first === false ? {} : { first: true }), ...(s.last === false ? {} : { last: true }) },
    protoPayload: payload,
    receiveTimestamp: s.receiveTimestamp ?? s.timestamp,
    resource: { labels: { cluster_name: s.cluster, location: s.location, project_id: s.project }, type: 'k8s_cluster' },
    timestamp: s.timestamp,
  };
}

export interface TrafficSpec {
  project: string;
  clusters: { location: string; cluster: string }[];
  count: number;
  /** ms since epoch of the first entry */
  startMs: number;
  spacingMs: number;
  /** receiveTimestamp - timestamp */
  lagMs?: number;
  prefix?: string;
}

/** `count` entries spread over the clusters: reads, writes with bodies, execs, denials. Deterministic. */
export function* traffic(t: TrafficSpec): Generator<GkeEntry> {
  for (let i = 0; i < t.count; i++) {
    const c = t.clusters[i % t.clusters.length]!;
    const ms = t.startMs + i * t.spacingMs;
    const ns = String((i * 7919) % 1_000_000).padStart(6, '0');
    const ts = new Date(ms).toISOString().replace('Z', `${ns}Z`);
    const rcv = new Date(ms + (t.lagMs ?? 2000)).toISOString();
    const kind = i % 10;
    const ns_ = `team-${i % 7}`;
    const base = { project: t.project, location: c.location, cluster: c.cluster, insertId: `${t.prefix ?? 'e'}-${i}`, timestamp: ts, receiveTimestamp: rcv, operationId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` };
    if (kind < 5) yield gkeEntry({ ...base, method: 'io.k8s.core.v1.pods.list', resourceName: `core/v1/namespaces/${ns_}/pods`, principal: `system:serviceaccount:${ns_}:reader` });
    else if (kind < 7) yield gkeEntry({ ...base, method: 'io.k8s.core.v1.configmaps.get', resourceName: `core/v1/namespaces/${ns_}/configmaps/settings-${i % 13}`, principal: `system:serviceaccount:${ns_}:app` });
    else if (kind === 7)
      yield gkeEntry({
        ...base,
        method: 'io.k8s.apps.v1.deployments.patch',
        resourceName: `apps/v1/namespaces/${ns_}/deployments/web`,
        request: { '@type': 'k8s.io/Patch', spec: { replicas: (i % 5) + 1, template: { metadata: { labels: { app: 'web', rev: String(i) } } } } },
        response: { '@type': 'apps.k8s.io/v1.Deployment', apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns_, resourceVersion: String(1000 + i) }, spec: { replicas: (i % 5) + 1 } },
      });
    else if (kind === 8) yield gkeEntry({ ...base, method: 'io.k8s.core.v1.pods.exec.create', resourceName: `core/v1/namespaces/${ns_}/pods/web-0/exec`, principal: 'bob@example.com' });
    else yield gkeEntry({ ...base, method: 'io.k8s.core.v1.secrets.get', resourceName: `core/v1/namespaces/${ns_}/secrets/db`, principal: 'system:anonymous', rpcCode: 7, granted: false, statusMessage: 'forbidden' });
  }
}
