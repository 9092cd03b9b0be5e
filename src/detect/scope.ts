/**
 * What the detections look at in one run, as temp tables and views on the detect connection:
 *   kt_new_range  per cluster: the event-time span of the events landed since the oldest watermark;
 *   kt_scope      one row per request (most complete stage) in those spans, widened by the longest
 *                 window any detection declares, with the columns detections share (below);
 *   events        view: the requests of kt_scope landed after the current detection's watermark
 *                 (the variable kt_lo, set before each detection);
 *   scope         view: all of kt_scope, for windowed detections (bursts, sequences) that must also see
 *                 the requests just before and after the new ones.
 *
 * Columns beyond audit_events (documented for detection authors in queries/detections/README.md):
 * new_at, is_platform, platform_managed, is_anonymous, succeeded, denied, public_ips, exec_command, pod_spec,
 * containers, images, sa_namespace, arn, object_name, owner_workload. request_object is kept for writes only (reads carry no body).
 */

const STAGE_RANK = `CASE stage WHEN 'ResponseComplete' THEN 4 WHEN 'Panic' THEN 3 WHEN 'ResponseStarted' THEN 2 WHEN 'RequestReceived' THEN 1 ELSE 0 END`;

const WORKLOAD_TEMPLATE = `('deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'replicationcontrollers')`;

/** Statement 1. Parameters: $lo (TIMESTAMPTZ or NULL = from the start), $hi. */
export const NEW_RANGE_SQL = `
CREATE OR REPLACE TEMP TABLE kt_new_range AS
SELECT cluster, min(event_time) AS t_lo, max(event_time) AS t_hi, count(*) AS n
FROM audit_events
WHERE ($lo IS NULL OR landed_at > CAST($lo AS TIMESTAMPTZ)) AND landed_at <= $hi
GROUP BY cluster`;

/** Statement 2. Parameters: $hi, $lookback (INTERVAL). */
export const SCOPE_SQL = `
CREATE OR REPLACE TEMP TABLE kt_scope AS
WITH cand AS (
  SELECT a.cluster, a.provider, a.audit_id, a.stage, a.level, a.verb, a.request_uri, a.user_name, a.user_uid,
         a.user_groups, a.user_extra, a.impersonated_user, a.impersonated_groups, a.source_ips, a.user_agent,
         a.api_group, a.api_version, a.resource, a.subresource, a.namespace, a.name, a.response_code, a.decision,
         a.request_received_at, a.stage_at, a.event_time, a.annotations, a.authz_reason, a.landed_at,
         CASE WHEN a.verb IN ('create', 'update', 'patch') THEN a.request_object END AS request_object
  FROM audit_events a JOIN kt_new_range r ON a.cluster = r.cluster
  WHERE a.landed_at <= $hi AND a.event_time BETWEEN r.t_lo - $lookback AND r.t_hi + $lookback
),
req AS (
  SELECT * EXCLUDE (landed_at), max(landed_at) OVER (PARTITION BY cluster, audit_id) AS new_at
  FROM cand
  QUALIFY row_number() OVER (PARTITION BY cluster, audit_id ORDER BY ${STAGE_RANK} DESC, landed_at DESC) = 1
),
spec AS (
  SELECT *,
    CASE WHEN verb IN ('create', 'update', 'patch') AND (subresource IS NULL OR subresource = 'ephemeralcontainers')
              AND json_type(request_object) = 'OBJECT' THEN
      CASE WHEN resource = 'pods' THEN json_extract(request_object, '$.spec')
           WHEN resource IN ${WORKLOAD_TEMPLATE} THEN json_extract(request_object, '$.spec.template.spec')
           WHEN resource = 'cronjobs' THEN json_extract(request_object, '$.spec.jobTemplate.spec.template.spec') END
    END AS pod_spec
  FROM req
),
cont AS (
  SELECT *,
    CASE WHEN pod_spec IS NOT NULL THEN list_concat(
      kt_json_list(json_extract(pod_spec, '$.containers')),
      kt_json_list(json_extract(pod_spec, '$.initContainers')),
      kt_json_list(json_extract(pod_spec, '$.ephemeralContainers'))) END AS containers
  FROM spec
)
SELECT *,
  kt_is_platform(user_name) AS is_platform,
  coalesce(user_name IN ('system:anonymous', 'system:unauthenticated') OR list_contains(user_groups, 'system:unauthenticated'), false) AS is_anonymous,
  coalesce(decision, '') <> 'forbid' AND coalesce(response_code < 400, true) AS succeeded,
  coalesce(response_code = 401 OR decision = 'forbid' OR (decision IS NULL AND response_code = 403), false) AS denied,
  list_filter(coalesce(source_ips, []), lambda ip: NOT kt_is_private_ip(ip)) AS public_ips,
  CASE WHEN resource = 'pods' AND subresource IN ('exec', 'attach') THEN nullif(array_to_string(list_transform(
    regexp_extract_all(request_uri, '[?&]command=([^&]*)', 1), lambda c: try(url_decode(replace(c, '+', ' ')))), ' '), '') END AS exec_command,
  CASE WHEN containers IS NOT NULL THEN list_filter(list_transform(containers, lambda c: json_extract_string(c, '$.image')), lambda i: i IS NOT NULL) END AS images,
  CASE WHEN starts_with(user_name, 'system:serviceaccount:') THEN split_part(user_name, ':', 3) END AS sa_namespace,
  coalesce(json_extract_string(user_extra, '$.arn[0]'), json_extract_string(user_extra, '$.arn')) AS arn,
  kt_is_platform(user_name) AND kt_is_system_namespace(namespace) AS platform_managed,
  coalesce(name, json_extract_string(request_object, '$.metadata.name'), json_extract_string(request_object, '$.metadata.generateName') || '*') AS object_name,
  -- the workload a pod belongs to: its owner, with a ReplicaSet's pod-template-hash taken off (the Deployment)
  CASE WHEN resource = 'pods' AND json_extract_string(request_object, '$.metadata.ownerReferences[0].name') IS NOT NULL THEN
    CASE WHEN json_extract_string(request_object, '$.metadata.ownerReferences[0].kind') = 'ReplicaSet'
              AND ends_with(json_extract_string(request_object, '$.metadata.ownerReferences[0].name'), '-' || json_extract_string(request_object, '$.metadata.labels."pod-template-hash"'))
         THEN left(json_extract_string(request_object, '$.metadata.ownerReferences[0].name'),
                   length(json_extract_string(request_object, '$.metadata.ownerReferences[0].name')) - length(json_extract_string(request_object, '$.metadata.labels."pod-template-hash"')) - 1)
         ELSE json_extract_string(request_object, '$.metadata.ownerReferences[0].name') END
  END AS owner_workload
FROM cont`;

/** The views detections read (see the module comment). */
export const VIEWS_SQL = [
  `CREATE OR REPLACE TEMP VIEW scope AS SELECT * FROM kt_scope`,
  `CREATE OR REPLACE TEMP VIEW events AS SELECT * FROM kt_scope WHERE getvariable('kt_lo') IS NULL OR new_at > getvariable('kt_lo')`,
];

/** Set the watermark the `events` view filters on, for the next detection. */
export const setWatermarkSql = (lo: string | null): string =>
  lo === null ? `SET VARIABLE kt_lo = NULL::TIMESTAMPTZ` : `SET VARIABLE kt_lo = CAST('${lo.replace(/'/g, '')}' AS TIMESTAMPTZ)`;
