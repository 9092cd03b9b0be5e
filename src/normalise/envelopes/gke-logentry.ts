import type { Envelope } from '../envelope.js';
import { eventStruct } from '../event-shape.js';

/**
 * A Cloud Logging `LogEntry` whose `protoPayload` is a `google.cloud.audit.AuditLog` written by GKE
 * (serviceName k8s.io), as `gcloud logging read --format=json`, a Cloud Storage sink, or our gRPC
 * puller (which decodes the payload to the same JSON) give it.
 *
 * GKE re-encodes the Kubernetes Event; we map back only what the entry carries:
 * - methodName `io.k8s.<group>.<version>.<resource>[.<subresource>].<verb>` -> verb, resource, subresource
 * - resourceName `<group>/<version>/[namespaces/<ns>/]<resource>[/<name>[/<sub>]]` -> group, version,
 *   namespace, name; `core` is the empty group. requestURI is rebuilt from it (GKE keeps no query string).
 * - status.code is a google.rpc code; a Kubernetes Status in `response` carries the HTTP code itself.
 *   No status at all stays NULL: we do not guess an outcome.
 * - decision: the `authorization.k8s.io/decision` label, else authorizationInfo[].granted (proto3 JSON
 *   omits `granted: false`).
 * - operation {id, first, last} -> audit id and stage (first only = ResponseStarted; last = ResponseComplete).
 * - no level, no groups or extra, a single caller IP.
 */
const PAYLOAD = JSON.stringify({
  serviceName: 'VARCHAR',
  methodName: 'VARCHAR',
  resourceName: 'VARCHAR',
  authenticationInfo: { principalEmail: 'VARCHAR' },
  authorizationInfo: [{ granted: 'BOOLEAN' }],
  requestMetadata: { callerIp: 'VARCHAR', callerIP: 'VARCHAR', callerSuppliedUserAgent: 'VARCHAR' },
  status: 'JSON',
  request: 'JSON',
  response: 'JSON',
});
const OPERATION = JSON.stringify({ id: 'VARCHAR', first: 'BOOLEAN', last: 'BOOLEAN' });
const VERSION_RE = `'v[0-9]+((alpha|beta)[0-9]+)?'`;
// google.rpc.Code -> HTTP, as google/rpc/code.proto documents the pairs.
const RPC_TO_HTTP = `CASE rpc WHEN 0 THEN 200 WHEN 1 THEN 499 WHEN 2 THEN 500 WHEN 3 THEN 400 WHEN 4 THEN 504
  WHEN 5 THEN 404 WHEN 6 THEN 409 WHEN 7 THEN 403 WHEN 8 THEN 429 WHEN 9 THEN 400 WHEN 10 THEN 409
  WHEN 11 THEN 400 WHEN 12 THEN 501 WHEN 13 THEN 500 WHEN 14 THEN 503 WHEN 15 THEN 500 WHEN 16 THEN 401 END`;
// Groups that predate the *.k8s.io naming; any other single word in a methodName is <word>.k8s.io.
const LEGACY_GROUPS = `['apps', 'batch', 'policy', 'extensions', 'autoscaling']`;

export const gkeLogEntry: Envelope = {
  name: 'gke-logentry',
  match: `u.protoPayload IS NOT NULL`,
  prepare: [
    {
      p: `json_transform(u.protoPayload, '${PAYLOAD}')`,
      op: `json_transform(u.operation, '${OPERATION}')`,
    },
    {
      ms: `string_split(p.methodName, '.')`,
      rs: `CASE WHEN p.resourceName IS NOT NULL THEN string_split(p.resourceName, '/') END`,
      // google.rpc.Status: proto3 JSON drops code 0, so `status: {}` is OK; a Kubernetes Status wins.
      rpc: `CASE WHEN p.status IS NOT NULL THEN coalesce(TRY_CAST(json_extract_string(p.status, '$.code') AS INTEGER), 0) END`,
      k8s_code: `CASE WHEN json_extract_string(p.response, '$."@type"') LIKE '%.Status' OR json_extract_string(p.response, '$.kind') = 'Status' THEN TRY_CAST(json_extract_string(p.response, '$.code') AS INTEGER) END`,
    },
    {
      vi: `coalesce(list_position(list_transform(ms, lambda gke_part: regexp_full_match(gke_part, ${VERSION_RE})), true), 0)`,
      rv: `coalesce(len(rs) >= 2 AND regexp_full_match(rs[2], ${VERSION_RE}), false)`,
      http: RPC_TO_HTTP,
    },
    {
      g_verb: `ms[-1]`,
      g_resource: `CASE WHEN vi > 0 THEN ms[vi + 1] END`,
      g_sub: `CASE WHEN vi > 0 AND len(ms) = vi + 3 THEN ms[vi + 2] END`,
      g_group: `CASE
        WHEN rv THEN CASE rs[1] WHEN 'core' THEN '' ELSE rs[1] END
        WHEN vi > 2 AND ms[1] = 'io' AND ms[2] = 'k8s' THEN CASE
          WHEN ms[3:vi - 1] = ['core'] THEN ''
          WHEN vi = 4 AND list_contains(${LEGACY_GROUPS}, ms[3]) THEN ms[3]
          ELSE array_to_string(list_reverse(ms[3:vi - 1]), '.') || '.k8s.io' END
        WHEN vi > 1 THEN array_to_string(list_reverse(ms[1:vi - 1]), '.') END`,
      g_version: `CASE WHEN rv THEN rs[2] WHEN vi > 0 THEN ms[vi] END`,
      rest: `CASE WHEN rv THEN rs[3:] END`,
    },
    {
      g_ns: `CASE WHEN rest[1] = 'namespaces' AND g_resource <> 'namespaces' AND len(rest) >= 3 THEN rest[2] END`,
    },
    {
      g_name: `CASE WHEN g_resource = 'namespaces' AND rest[1] = 'namespaces' THEN rest[2]
                    WHEN g_ns IS NOT NULL THEN rest[4] ELSE rest[2] END`,
      g_uri: `CASE
        WHEN rv THEN CASE WHEN g_group = '' THEN '/api/' ELSE '/apis/' || g_group || '/' END || g_version || '/' || array_to_string(rest, '/')
        WHEN p.resourceName IS NOT NULL THEN '/' || ltrim(p.resourceName, '/') END`,
    },
  ],
  outOfScope: `CASE WHEN NOT (coalesce(p.serviceName = 'k8s.io', false) OR coalesce(starts_with(p.methodName, 'io.k8s.'), false))
    THEN 'Cloud Audit Log entry of ' || coalesce(p.serviceName, 'an unnamed service') || ' (' || coalesce(p.methodName, 'no method') || '), not Kubernetes' END`,
  event: eventStruct({
    auditID: 'op.id',
    verb: 'g_verb',
    requestURI: 'g_uri',
    user: `CASE WHEN p.authenticationInfo.principalEmail IS NOT NULL THEN json_object('username', p.authenticationInfo.principalEmail) END`,
    sourceIPs: `CASE WHEN coalesce(p.requestMetadata.callerIp, p.requestMetadata.callerIP) IS NOT NULL
      THEN to_json([coalesce(p.requestMetadata.callerIp, p.requestMetadata.callerIP)]) END`,
    userAgent: 'p.requestMetadata.callerSuppliedUserAgent',
    objectRef: `CASE WHEN g_resource IS NOT NULL THEN json_object('apiGroup', g_group, 'apiVersion', g_version,
      'resource', g_resource, 'subresource', g_sub, 'namespace', g_ns, 'name', g_name) END`,
    responseStatus: `CASE WHEN coalesce(k8s_code, http) IS NOT NULL
      THEN json_object('code', coalesce(k8s_code, http), 'message', json_extract_string(p.status, '$.message'), 'grpcCode', rpc) END`,
    requestObject: 'p.request',
    responseObject: 'p.response',
    stageTimestamp: `json_extract_string(u.timestamp, '$')`,
    annotations: 'u.labels',
  }),
  meta: {
    providerEventId: 'u.insertId',
    ingestedAt: 'u.receiveTimestamp',
    logName: 'u.logName',
    envelopeTime: `json_extract_string(u.timestamp, '$')`,
    // the entry without the bodies (they are request_object / response_object)
    envelopeRecord: `json_object('insertId', u.insertId, 'logName', u.logName, 'timestamp', u.timestamp, 'receiveTimestamp', u.receiveTimestamp,
      'severity', u.severity, 'resource', u.resource, 'labels', u.labels, 'operation', u.operation,
      'protoPayload', json_merge_patch(u.protoPayload, '{"request":null,"response":null}'))`,
  },
  overrides: {
    decision: `coalesce(json_extract_string(u.labels, '$."authorization.k8s.io/decision"'),
      CASE WHEN len(p.authorizationInfo) > 0 THEN
        CASE WHEN list_bool_and(list_transform(p.authorizationInfo, lambda gke_ai: coalesce(gke_ai.granted, false))) THEN 'allow' ELSE 'forbid' END END)`,
    stage: `CASE WHEN op.last THEN 'ResponseComplete' WHEN op.first THEN 'ResponseStarted' END`,
  },
};

/** A Cloud Logging entry with no AuditLog payload (container logs, other exports): not audit data. */
export const gcpOtherLogEntry: Envelope = {
  name: 'gcp-logentry',
  match: `u.protoPayload IS NULL AND (u.insertId IS NOT NULL OR u.logName IS NOT NULL OR u.operation IS NOT NULL OR u.receiveTimestamp IS NOT NULL)
    AND u.kind IS NULL AND u.auditID IS NULL`,
  outOfScope: `'Cloud Logging entry without an AuditLog payload'`,
  event: 'NULL',
  meta: {},
};
