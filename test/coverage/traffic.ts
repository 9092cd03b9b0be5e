/**
 * Generated audit traffic for coverage scenarios: a small, steady cluster (controllers renewing leases,
 * workloads reading config, a person deploying) hour by hour, written in the envelope the provider
 * uses: raw Events (files), CloudWatch FilterLogEvents events (EKS), Cloud Logging entries (GKE) or
 * Azure diagnostic records (AKS). The envelopes are ours, built from the provider documentation.
 */
import { writeFileSync } from 'node:fs';

export const HOUR = 3600e3;
export const DAY = 24 * HOUR;

export interface GenUser {
  username: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface GenEvent {
  time: Date;
  verb: string;
  resource?: string;
  subresource?: string;
  apiGroup?: string;
  namespace?: string;
  name?: string;
  user: GenUser;
  level?: 'Metadata' | 'Request' | 'RequestResponse';
  requestObject?: unknown;
  responseObject?: unknown;
  userAgent?: string;
  sourceIPs?: string[];
  code?: number;
  /** Provider ingestion delay (CloudWatch ingestionTime, Cloud Logging receiveTimestamp). */
  lagSeconds?: number;
}

export interface TrafficOptions {
  from: Date;
  to: Date;
  /** Hours (start times, ms) with no events at all. */
  holes?: Set<number>;
  /** Silences not aligned to hours: no event strictly between `from` and `to` (ms), one event exactly at each end. */
  silences?: { from: number; to: number }[];
  /** get/list requests (false: AKS kube-audit-admin, GKE without Data Access). */
  reads?: boolean;
  /** watch requests (kube-audit-admin keeps them; GKE without Data Access does not). */
  watches?: boolean;
  /** Audit level of everything (Metadata: no bodies at all). */
  metadataOnly?: boolean;
  /** Service-account tokens name their pod (user.extra authentication.kubernetes.io/pod-name). */
  podAttribution?: boolean;
  /** Requests by an unattributable kubernetes-admin (system:masters, no IAM session) per day. */
  sharedAdminPerDay?: number;
  lagSeconds?: number;
}

const person: GenUser = {
  username: 'alice',
  groups: ['system:authenticated', 'developers'],
  extra: { arn: ['arn:aws:sts::111122223333:assumed-role/Dev/alice'], sessionName: ['alice'], canonicalArn: ['arn:aws:iam::111122223333:role/Dev'] },
};
// EKS maps IAM roles to kubernetes-admin; with the IAM session in extra, a person is still named.
const mappedAdmin: GenUser = {
  username: 'kubernetes-admin',
  groups: ['system:masters', 'system:authenticated'],
  extra: { arn: ['arn:aws:sts::111122223333:assumed-role/Admin/bob'], sessionName: ['bob'], canonicalArn: ['arn:aws:iam::111122223333:role/Admin'] },
};
const sharedAdmin: GenUser = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
const controller: GenUser = { username: 'system:kube-controller-manager', groups: ['system:authenticated'] };
const scheduler: GenUser = { username: 'system:kube-scheduler', groups: ['system:authenticated'] };
// A controller-manager client token: in kube-system, never bound to a pod, excluded by default.
const rsController: GenUser = { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts', 'system:authenticated'] };

function workload(pod: boolean): GenUser {
  return {
    username: 'system:serviceaccount:shop:web',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated'],
    extra: pod
      ? { 'authentication.kubernetes.io/pod-name': ['web-7d9f-abcde'], 'authentication.kubernetes.io/pod-uid': ['0b0b0b0b-1111-2222-3333-444455556666'] }
      : {},
  };
}

const deployment = (replicas: number) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas } });

/** About fifteen requests an hour (fewer when reads or watches are off), every hour from `from` to `to`. */
export function traffic(o: TrafficOptions): GenEvent[] {
  const out: GenEvent[] = [];
  const reads = o.reads ?? true;
  const watches = o.watches ?? reads;
  const bodies = !o.metadataOnly;
  const level = (l: 'Request' | 'RequestResponse') => (o.metadataOnly ? 'Metadata' : l);
  const sa = workload(o.podAttribution ?? true);
  const start = Math.ceil(o.from.getTime() / HOUR) * HOUR;
  for (let h = start; h < o.to.getTime(); h += HOUR) {
    if (o.holes?.has(h)) continue;
    const at = (min: number) => new Date(h + min * 60e3);
    const base = { lagSeconds: o.lagSeconds, sourceIPs: ['10.0.1.15'] };
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kube-controller-manager' } };
    out.push({ ...base, time: at(1), verb: 'update', resource: 'leases', apiGroup: 'coordination.k8s.io', namespace: 'kube-system', name: 'kube-controller-manager', user: controller, level: level('RequestResponse'), requestObject: bodies ? lease : undefined, responseObject: bodies ? lease : undefined, userAgent: 'kube-controller-manager/v1.30.2' });
    out.push({ ...base, time: at(31), verb: 'update', resource: 'leases', apiGroup: 'coordination.k8s.io', namespace: 'kube-system', name: 'kube-controller-manager', user: controller, level: level('RequestResponse'), requestObject: bodies ? lease : undefined, responseObject: bodies ? lease : undefined, userAgent: 'kube-controller-manager/v1.30.2' });
    out.push({ ...base, time: at(5), verb: 'patch', resource: 'deployments', apiGroup: 'apps', namespace: 'shop', name: 'web', user: person, level: level('RequestResponse'), requestObject: bodies ? { spec: { replicas: 3 } } : undefined, responseObject: bodies ? deployment(3) : undefined, userAgent: 'kubectl/v1.30.2 (linux/amd64)', sourceIPs: ['203.0.113.10'] });
    out.push({ ...base, time: at(9), verb: 'update', resource: 'replicasets', apiGroup: 'apps', namespace: 'shop', name: 'web-7d9f', user: rsController, level: level('RequestResponse'), requestObject: bodies ? { kind: 'ReplicaSet' } : undefined, responseObject: bodies ? { kind: 'ReplicaSet' } : undefined, userAgent: 'kube-controller-manager/v1.30.2' });
    out.push({ ...base, time: at(40), verb: 'update', resource: 'configmaps', namespace: 'shop', name: 'web-config', user: sa, level: 'Metadata', userAgent: 'web/1.0' });
    if (reads) {
      out.push({ ...base, time: at(12), verb: 'get', resource: 'configmaps', namespace: 'shop', name: 'web-config', user: sa, level: level('Request'), userAgent: 'web/1.0' });
      out.push({ ...base, time: at(20), verb: 'get', resource: 'secrets', namespace: 'shop', name: 'db-password', user: sa, level: 'Metadata', userAgent: 'web/1.0' });
      out.push({ ...base, time: at(45), verb: 'list', resource: 'pods', namespace: 'shop', user: person, level: level('Request'), userAgent: 'kubectl/v1.30.2 (linux/amd64)', sourceIPs: ['203.0.113.10'] });
    }
    if (watches) out.push({ ...base, time: at(50), verb: 'watch', resource: 'endpoints', namespace: 'shop', user: sa, level: level('Request'), userAgent: 'web/1.0' });
    if (reads && h % DAY === 10 * HOUR) out.push({ ...base, time: at(55), verb: 'get', resource: 'nodes', name: 'node-1', user: mappedAdmin, level: level('Request'), userAgent: 'kubectl/v1.30.2 (linux/amd64)', sourceIPs: ['203.0.113.20'] });
    const shared = o.sharedAdminPerDay ?? 0;
    if (shared && h % DAY >= 9 * HOUR && h % DAY < (9 + shared) * HOUR) {
      out.push({ ...base, time: at(15), verb: 'delete', resource: 'pods', namespace: 'shop', name: 'web-7d9f-abcde', user: sharedAdmin, level: level('RequestResponse'), userAgent: 'kubectl/v1.29.0 (darwin/arm64)', sourceIPs: ['198.51.100.7'] });
    }
    // the scheduler renews its lease all the time: a live cluster is never quiet for long
    const schedLease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kube-scheduler' } };
    for (let m = 3; m < 60; m += 10) {
      out.push({ ...base, time: at(m), verb: 'update', resource: 'leases', apiGroup: 'coordination.k8s.io', namespace: 'kube-system', name: 'kube-scheduler', user: scheduler, level: level('RequestResponse'), requestObject: bodies ? schedLease : undefined, responseObject: bodies ? schedLease : undefined, userAgent: 'kube-scheduler/v1.30.2' });
    }
  }
  for (const s of o.silences ?? []) {
    for (const t of [s.from, s.to]) {
      const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'kube-controller-manager' } };
      out.push({ time: new Date(t), sourceIPs: ['10.0.1.15'], lagSeconds: o.lagSeconds, verb: 'update', resource: 'leases', apiGroup: 'coordination.k8s.io', namespace: 'kube-system', name: 'kube-controller-manager', user: controller, level: level('RequestResponse'), requestObject: bodies ? lease : undefined, responseObject: bodies ? lease : undefined, userAgent: 'kube-controller-manager/v1.30.2' });
    }
  }
  const silent = (t: number) => (o.silences ?? []).some((s) => t > s.from && t < s.to);
  return out.filter((e) => e.time.getTime() <= o.to.getTime() && !silent(e.time.getTime())).sort((a, b) => a.time.getTime() - b.time.getTime());
}

/** One quiet write a day: history further back than the dense window. */
export function history(from: Date, to: Date): GenEvent[] {
  const out: GenEvent[] = [];
  for (let t = Math.ceil(from.getTime() / DAY) * DAY + 12 * HOUR; t < to.getTime(); t += DAY) {
    out.push({ time: new Date(t), verb: 'patch', resource: 'deployments', apiGroup: 'apps', namespace: 'shop', name: 'web', user: person, level: 'RequestResponse', requestObject: { spec: { replicas: 2 } }, responseObject: deployment(2), userAgent: 'kubectl/v1.30.2 (linux/amd64)', sourceIPs: ['203.0.113.10'] });
  }
  return out;
}

let seq = 0;
const auditId = (cluster: string) => {
  const n = (++seq).toString(16).padStart(12, '0');
  return `${cluster.length.toString(16).padStart(8, '0')}-0000-4000-8000-${n}`;
};

export function rawEvent(e: GenEvent, id: string): Record<string, unknown> {
  const ev: Record<string, unknown> = {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: e.level ?? 'Metadata',
    auditID: id,
    stage: 'ResponseComplete',
    requestURI: uri(e),
    verb: e.verb,
    user: e.user,
    sourceIPs: e.sourceIPs ?? ['10.0.1.15'],
    userAgent: e.userAgent ?? 'test',
    objectRef: e.resource ? { resource: e.resource, subresource: e.subresource, namespace: e.namespace, name: e.name, apiGroup: e.apiGroup, apiVersion: e.apiGroup ? 'v1' : 'v1' } : undefined,
    responseStatus: { metadata: {}, code: e.code ?? 200 },
    requestReceivedTimestamp: new Date(e.time.getTime() - 5).toISOString(),
    stageTimestamp: e.time.toISOString(),
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' },
  };
  if (e.requestObject !== undefined) ev.requestObject = e.requestObject;
  if (e.responseObject !== undefined) ev.responseObject = e.responseObject;
  return ev;
}

function uri(e: GenEvent): string {
  const prefix = e.apiGroup ? `/apis/${e.apiGroup}/v1` : '/api/v1';
  const ns = e.namespace ? `/namespaces/${e.namespace}` : '';
  return `${prefix}${ns}/${e.resource ?? ''}${e.name ? `/${e.name}` : ''}${e.subresource ? `/${e.subresource}` : ''}`;
}

/** A FilterLogEvents event as `aws logs filter-log-events` prints it (message = the Event as text). */
export function cloudwatchEvent(e: GenEvent, id: string, i: number): Record<string, unknown> {
  return {
    logStreamName: 'kube-apiserver-audit-0123456789abcdef0123456789abcdef',
    timestamp: e.time.getTime(),
    ingestionTime: e.time.getTime() + Math.round((e.lagSeconds ?? 30) * 1000),
    eventId: `3791${String(i).padStart(52, '0')}`,
    message: JSON.stringify(rawEvent(e, id)),
  };
}

/** A Cloud Logging entry with a GKE AuditLog payload, as `gcloud logging read --format=json` prints it. */
export function gkeEntry(e: GenEvent, id: string, project: string, cluster: string): Record<string, unknown> {
  const group = e.apiGroup ?? 'core';
  const method = `io.k8s.${group === 'core' ? 'core' : group.replace(/\.k8s\.io$/, '').split('.').reverse().join('.')}.v1.${e.resource}${e.subresource ? `.${e.subresource}` : ''}.${e.verb}`;
  const read = ['get', 'list', 'watch'].includes(e.verb);
  return {
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      serviceName: 'k8s.io',
      methodName: method,
      resourceName: `${group}/v1/${e.namespace ? `namespaces/${e.namespace}/` : ''}${e.resource}${e.name ? `/${e.name}` : ''}`,
      // GKE names people by their Google identity, not a mapped Kubernetes user
      authenticationInfo: { principalEmail: e.user.extra?.sessionName ? `${e.user.extra.sessionName[0]}@example.com` : e.user.username },
      authorizationInfo: [{ permission: method, granted: true, resource: `${group}/v1/${e.resource}` }],
      requestMetadata: { callerIp: e.sourceIPs?.[0] ?? '10.0.1.15', callerSuppliedUserAgent: e.userAgent ?? 'test' },
      status: {},
      ...(e.requestObject !== undefined ? { request: { '@type': 'k8s.io/Patch', ...(e.requestObject as object) } } : {}),
      ...(e.responseObject !== undefined ? { response: { '@type': 'apps.k8s.io/v1.Deployment', ...(e.responseObject as object) } } : {}),
    },
    insertId: `${id}-i`,
    resource: { type: 'k8s_cluster', labels: { project_id: project, location: 'europe-west1', cluster_name: cluster } },
    timestamp: e.time.toISOString(),
    severity: 'NOTICE',
    logName: `projects/${project}/logs/cloudaudit.googleapis.com%2F${read ? 'data_access' : 'activity'}`,
    operation: { id, producer: 'k8s.io', first: true, last: true },
    receiveTimestamp: new Date(e.time.getTime() + Math.round((e.lagSeconds ?? 2) * 1000)).toISOString(),
  };
}

/** An Azure resource-log record as diagnostic settings export it (Event Hub / storage). */
export function azureRecord(e: GenEvent, id: string, category: 'kube-audit' | 'kube-audit-admin', resourceId: string): Record<string, unknown> {
  return {
    time: e.time.toISOString(),
    resourceId: resourceId.toUpperCase(),
    category,
    operationName: 'Microsoft.ContainerService/managedClusters/diagnosticLogs/Read',
    properties: { log: JSON.stringify(rawEvent(e, id)), stream: 'stdout', pod: 'kube-apiserver-5c7d8f9b6-x2x4z' },
  };
}

export type Envelope = { kind: 'raw' } | { kind: 'cloudwatch' } | { kind: 'gke'; project: string } | { kind: 'azure'; category: 'kube-audit' | 'kube-audit-admin'; resourceId: string };

/** Write events as JSON lines in an envelope; returns the audit ids in event order. */
export function writeEvents(path: string, cluster: string, events: GenEvent[], env: Envelope, extraLines: string[] = []): string[] {
  const ids: string[] = [];
  const lines = events.map((e, i) => {
    const id = auditId(cluster);
    ids.push(id);
    switch (env.kind) {
      case 'raw':
        return JSON.stringify(rawEvent(e, id));
      case 'cloudwatch':
        return JSON.stringify(cloudwatchEvent(e, id, i));
      case 'gke':
        return JSON.stringify(gkeEntry(e, id, env.project, cluster));
      case 'azure':
        return JSON.stringify(azureRecord(e, id, env.category, env.resourceId));
    }
  });
  writeFileSync(path, [...lines, ...extraLines].join('\n') + '\n');
  return ids;
}
