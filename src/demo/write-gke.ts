/**
 * demo-gke as Cloud Logging gives it: one LogEntry per Event stage with an AuditLog protoPayload (GKE
 * re-encodes the Event; there is no stage or level, the user is principalEmail, the outcome a
 * google.rpc code, annotations become labels). Writes go to the Admin Activity log; reads, and the
 * status and lease updates of system components, to Data Access (which this project only turned on on
 * Friday morning: demo.ts drops the entries before that). Keys are sorted and false/empty values left out, as the JSON mapping of the API does.
 *
 * Files: the first six days as JSON lines, one file per log and day
 * (`cloudaudit.googleapis.com%2F<log>/YYYY-MM-DD.jsonl`, what a storage sink's shards or
 * `gcloud logging read --format=json | jq -c '.[]'` give), and the last day as
 * `gcloud logging read --format=json` prints it: one JSON array, newest first.
 */
import { GKE_PROJECT } from './clusters.js';
import { ClusterOutput, jsonLines } from './output.js';
import type { Random } from './random.js';
import { isLongRunning, type AuditEvent, US } from './request.js';
import { dateOf, DAY_US, isoFraction, isoMicros, lastDay, type Week } from './timeline.js';

const LOCATION = 'europe-west1';
const RPC: Record<number, [number, string]> = { 400: [3, 'INVALID_ARGUMENT'], 401: [16, 'UNAUTHENTICATED'], 403: [7, 'PERMISSION_DENIED'], 404: [5, 'NOT_FOUND'], 409: [6, 'ALREADY_EXISTS'], 422: [3, 'INVALID_ARGUMENT'], 500: [13, 'INTERNAL'] };

/** coordination.k8s.io -> coordination; rbac.authorization.k8s.io -> authorization.rbac; '' -> core */
function methodGroup(group: string): string {
  if (group === '') return 'core';
  const short = group.endsWith('.k8s.io') ? group.slice(0, -'.k8s.io'.length) : group;
  return short.split('.').reverse().join('.');
}
const typeGroup = (group: string): string => (group === '' ? 'core.k8s.io' : group.endsWith('.k8s.io') ? group : `${group}.k8s.io`);

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) o[k] = sortKeys(x);
    }
    return o;
  }
  return v;
}

function withType(body: unknown, group: string, version: string): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const kind = (body as { kind?: string }).kind;
  if (!kind) return body;
  const g = kind === 'Status' || kind === 'DeleteOptions' ? 'core.k8s.io' : typeGroup(group);
  return { '@type': `${g}/${kind === 'Status' || kind === 'DeleteOptions' ? 'v1' : version}.${kind}`, ...body };
}

/** Data Access (reads; status and lease updates by system components) or Admin Activity. */
export function isDataAccess(e: AuditEvent): boolean {
  if (e.verb === 'get' || e.verb === 'list' || e.verb === 'watch') return true;
  const r = e.objectRef;
  if (!r) return false;
  if (r.resource === 'leases' && e.verb === 'update') return true;
  return r.subresource === 'status' && (e.user.username.startsWith('system:node:') || e.user.username.startsWith('system:serviceaccount:kube-system:'));
}

export function toLogEntry(e: AuditEvent, rng: Random, lagUs: number): Record<string, unknown> {
  const r = e.objectRef;
  let methodName: string;
  let resourceName: string;
  if (r) {
    const group = r.apiGroup ?? '';
    methodName = ['io.k8s', methodGroup(group), r.apiVersion, r.resource, r.subresource, e.verb].filter(Boolean).join('.');
    const parts = [group === '' ? 'core' : group, r.apiVersion];
    if (r.resource === 'namespaces') parts.push('namespaces', ...(r.name ? [r.name] : []));
    else {
      if (r.namespace) parts.push('namespaces', r.namespace);
      parts.push(r.resource);
      if (r.name) parts.push(r.name);
    }
    if (r.subresource) parts.push(r.subresource);
    resourceName = parts.join('/');
  } else {
    methodName = `io.k8s.${e.verb}`;
    resourceName = e.requestURI.replace(/^\//, '').split('?')[0]!;
  }
  const code = e.responseStatus?.code ?? 200;
  const allowed = e.annotations?.['authorization.k8s.io/decision'] !== 'forbid';
  const rpc = RPC[code];
  const group = r?.apiGroup ?? '';
  const version = r?.apiVersion ?? 'v1';
  const hadStarted = isLongRunning(e.verb, r?.subresource, e.requestURI.split('?')[1]) && code < 400;
  const entry = {
    insertId: rng.uuid(),
    labels: e.annotations && Object.keys(e.annotations).length ? e.annotations : undefined,
    logName: `projects/${GKE_PROJECT}/logs/cloudaudit.googleapis.com%2F${isDataAccess(e) ? 'data_access' : 'activity'}`,
    operation: {
      first: e.stage === 'ResponseStarted' || !hadStarted ? true : undefined,
      id: e.auditID,
      last: e.stage === 'ResponseComplete' ? true : undefined,
      producer: 'k8s.io',
    },
    protoPayload: {
      '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
      authenticationInfo: { principalEmail: e.user.username },
      authorizationInfo: [{ granted: allowed ? true : undefined, permission: methodName, resource: resourceName }],
      methodName,
      request: withType(e.requestObject, group, version),
      requestMetadata: { callerIp: e.sourceIPs?.[0], callerSuppliedUserAgent: e.userAgent },
      resourceName,
      response: withType(e.responseObject, group, version),
      serviceName: 'k8s.io',
      status: rpc ? { code: rpc[0], message: rpc[1] } : {},
    },
    receiveTimestamp: isoFraction(e[US] + lagUs, 9, rng.int(0, 999)),
    resource: { labels: { cluster_name: 'demo-gke', location: LOCATION, project_id: GKE_PROJECT }, type: 'k8s_cluster' },
    timestamp: isoMicros(e[US]),
  };
  return sortKeys(entry) as Record<string, unknown>;
}

export function writeGke(out: ClusterOutput, events: AuditEvent[], week: Week, rng: Random): void {
  const shards = new Map<string, Array<Record<string, unknown>>>();
  const gcloud: Array<Record<string, unknown>> = [];
  const lastDayStart = week.anchorUs + lastDay(week) * DAY_US;
  for (const e of events) {
    const da = isDataAccess(e);
    const entry = toLogEntry(e, rng, Math.round(rng.lognormal(6e6, 0.6)));
    if (e[US] >= lastDayStart) {
      gcloud.push(entry);
      continue;
    }
    const key = `cloudaudit.googleapis.com%2F${da ? 'data_access' : 'activity'}/${dateOf(e[US])}.jsonl`;
    (shards.get(key) ?? shards.set(key, []).get(key)!).push(entry);
  }
  for (const [name, list] of [...shards.entries()].sort()) {
    const shardEnd = Date.parse((list[list.length - 1]!.receiveTimestamp as string)) * 1000;
    out.write(name, jsonLines(list), list.length, shardEnd);
  }
  gcloud.reverse(); // gcloud logging read: newest first
  const day = new Date(lastDayStart / 1000).toISOString().slice(0, 10);
  out.write(`gcloud-logging-read-${day}.json`, JSON.stringify(gcloud, null, 2) + '\n', gcloud.length, week.endUs + 60e6);
}
