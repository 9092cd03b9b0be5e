/**
 * The one projection from the intermediate Event (plus envelope facts) to `audit_events` columns: types
 * every field, checks the ones a wrong type would make misleading, and redacts bodies. Every envelope
 * goes through it, so a column means the same thing whatever the provider.
 */
import { OBJECT_REF_SPEC, USER_SPEC } from './event-shape.js';
import type { Read } from './normalise.js';
// Only requests on these carry credential values (see redact.sql); testing first keeps the macro off the hot path.
// Tested with list_contains, not IN: DuckDB plans a long IN list as a join, which no projection can then
// prune, so the lander's narrow decision pass would redact every body it never reads.
const SENSITIVE = `'secrets', 'serviceaccounts', 'tokenreviews', 'configmaps'`;
/** Resources whose bodies hold pod specs, with environment variables that may carry credentials. */
const WORKLOADS = `'pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers', 'podtemplates'`;
// AKS replaces bodies over its size limit with this JSON string.
const TRUNCATED = `'"skipped-too-big-size-object"'`;

/** SQL: a problem text when a JSON field is present with another type than expected. */
const expectType = (field: string, expr: string, type: 'OBJECT' | 'ARRAY'): string =>
  `CASE WHEN ${expr} IS NOT NULL AND json_type(${expr}) NOT IN ('${type}', 'NULL')
     THEN '${field} is ' || lower(json_type(${expr})) || ', expected ${type === 'OBJECT' ? 'an object' : 'an array'}' END`;
const expectTimestamp = (field: string, expr: string): string =>
  `CASE WHEN nullif(${expr}, '') IS NOT NULL AND TRY_CAST(${expr} AS TIMESTAMPTZ) IS NULL
     THEN '${field} "' || left(${expr}, 40) || '" is not a timestamp' END`;

/**
 * SQL selecting typed rows from relation `src`, which has: q, s, l, i, x, u, a, envelope, pre_fate,
 * skip_reason, unreadable, e (Event struct), pid, ing, logname, etime, erec, dec_o, stage_o.
 * Parameters: $2 cluster, $3 provider ($1 is the staged file). `read` says how `e` was read (see
 * normalise.ts): typed, its user, objectRef, sourceIPs and timestamps are typed already, and their
 * checks were read_json's.
 */
export function canonicalSelect(src: string, read: Read): string {
  const typed = read === 'typed';
  const id = `coalesce(nullif(e.auditID, ''), nullif(pid, ''))`;
  const lenientChecks = [
    expectType('user', 'e.user', 'OBJECT'),
    expectType('impersonatedUser', 'e.impersonatedUser', 'OBJECT'),
    expectType('objectRef', 'e.objectRef', 'OBJECT'),
    expectType('sourceIPs', 'e.sourceIPs', 'ARRAY'),
    expectTimestamp('requestReceivedTimestamp', 'e.requestReceivedTimestamp'),
    expectTimestamp('stageTimestamp', 'e.stageTimestamp'),
  ];
  // Named by a hash of the record as the lenient read holds it, which a typed read would change.
  const typedChecks = [`CASE WHEN ${id} IS NULL THEN 'no audit ID: named by the lenient read' END`];
  return `
SELECT
  q, s, l, i, x, t, u, a, e, envelope, pre_fate, skip_reason, unreadable,
  list_filter([
    ${(typed ? typedChecks : lenientChecks).join(',\n    ')},
    ${expectType('responseStatus', 'e.responseStatus', 'OBJECT')},
    ${expectType('annotations', 'e.annotations', 'OBJECT')},
    CASE WHEN (json_extract_string(e.responseStatus, '$.code')) IS NOT NULL AND TRY_CAST(json_extract_string(e.responseStatus, '$.code') AS INTEGER) IS NULL
         THEN 'responseStatus.code "' || left(json_extract_string(e.responseStatus, '$.code'), 20) || '" is not a number' END
  ], lambda problem: problem IS NOT NULL) AS problems,
  $2 AS cluster,
  $3 AS provider,
  -- no audit ID (degenerate or hand-made records): a hash of the whole record, stable across reruns
  ${typed ? id : `coalesce(${id}, 'sha256:' || sha256(CAST(coalesce(CAST(u AS VARCHAR), '') || coalesce(CAST(a AS VARCHAR), '') AS VARCHAR)))`} AS audit_id,
  coalesce(stage_o, nullif(e.stage, ''), 'Unknown') AS stage,
  e.level AS level,
  e.verb AS verb,
  e.requestURI AS request_uri,
  usr.username AS user_name,
  usr.uid AS user_uid,
  usr.groups AS user_groups,
  usr.extra AS user_extra,
  imp.username AS impersonated_user,
  imp.groups AS impersonated_groups,
  ${typed ? 'e.sourceIPs' : `CASE WHEN json_type(e.sourceIPs) = 'ARRAY' THEN CAST(e.sourceIPs AS VARCHAR[]) END`} AS source_ips,
  e.userAgent AS user_agent,
  obj.apiGroup AS api_group,
  obj.apiVersion AS api_version,
  obj.resource AS resource,
  obj.subresource AS subresource,
  obj.namespace AS namespace,
  obj.name AS name,
  TRY_CAST(json_extract_string(e.responseStatus, '$.code') AS INTEGER) AS response_code,
  coalesce(dec_o, json_extract_string(e.annotations, '$."authorization.k8s.io/decision"')) AS decision,
  TRY_CAST(e.requestReceivedTimestamp AS TIMESTAMPTZ) AS request_received_at,
  TRY_CAST(e.stageTimestamp AS TIMESTAMPTZ) AS stage_at,
  TRY_CAST(ing AS TIMESTAMPTZ) AS ingested_at,
  CASE WHEN list_contains([${SENSITIVE}], obj.resource) THEN kt_redact_body(obj.resource, obj.subresource, e.requestObject)
       WHEN list_contains([${WORKLOADS}], obj.resource) THEN kt_redact_env(e.requestObject) ELSE e.requestObject END AS request_object,
  CASE WHEN list_contains([${SENSITIVE}], obj.resource) THEN kt_redact_body(obj.resource, obj.subresource, e.responseObject)
       WHEN list_contains([${WORKLOADS}], obj.resource) THEN kt_redact_env(e.responseObject) ELSE e.responseObject END AS response_object,
  e.annotations AS annotations,
  coalesce(TRY_CAST(e.stageTimestamp AS TIMESTAMPTZ), TRY_CAST(e.requestReceivedTimestamp AS TIMESTAMPTZ),
           TRY_CAST(etime AS TIMESTAMPTZ), TRY_CAST(ing AS TIMESTAMPTZ), TIMESTAMPTZ '1970-01-01 00:00:00+00') AS event_time,
  e.responseStatus AS response_status,
  obj.uid AS object_uid,
  obj.resourceVersion AS object_resource_version,
  imp.uid AS impersonated_uid,
  imp.extra AS impersonated_extra,
  json_extract_string(e.annotations, '$."authorization.k8s.io/reason"') AS authz_reason,
  coalesce(CAST(e.requestObject AS VARCHAR) = ${TRUNCATED} OR CAST(e.responseObject AS VARCHAR) = ${TRUNCATED}, false) AS body_truncated,
  pid AS provider_event_id,
  logname AS log_name,
  erec AS envelope_record
FROM (
  SELECT *,
    ${typed ? 'e.user' : `json_transform(e.user, '${USER_SPEC}')`} AS usr,
    ${typed ? 'e.impersonatedUser' : `json_transform(e.impersonatedUser, '${USER_SPEC}')`} AS imp,
    ${typed ? 'e.objectRef' : `json_transform(e.objectRef, '${OBJECT_REF_SPEC}')`} AS obj
  FROM ${src}
)`;
}
