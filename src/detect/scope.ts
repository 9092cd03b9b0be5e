/**
 * What the detections look at in one run, on the detect connection:
 *   kt_new_range  per cluster: the event-time span of the events landed since the oldest watermark;
 *   kt_drop       rowids of the lesser stages of requests logged more than once (watch and exec log
 *                 ResponseStarted and ResponseComplete): each request is seen once, at its most complete stage;
 *   kt_scope      one narrow row per request in those spans, widened by the longest window any detection
 *                 declares, with the columns detections share (below); the view `scope` shows it all, for
 *                 windowed detections (bursts, sequences) that must also see the requests just before
 *                 and after the new ones;
 *   events        view: the requests of scope whose most complete stage landed after the current
 *                 detection's watermark (recreated before each detection);
 *   workload_writes  view: the same for the requests that carry a pod spec, from kt_pod_writes, which
 *                 parses those bodies once per run.
 *
 * kt_scope is materialised once per run and kept narrow (no JSON but the write bodies detections read,
 * the EKS ARN instead of user.extra): sixty-odd detections scan it, and a view over audit_events would
 * redo the join, the stage selection and the shared columns for each of them. Bodies are parsed once,
 * into kt_pod_writes.
 *
 * Columns (documented for detection authors in queries/detections/README.md): cluster, provider, audit_id,
 * verb, request_uri, user_name, impersonated_user, impersonated_groups, source_ips, user_agent, api_group,
 * resource, subresource, namespace, name, response_code, decision, event_time, request_object (writes to
 * BODY_RESOURCES only), and new_at, arn, is_anonymous, platform_identity, is_platform, is_control_plane,
 * in_system_namespace, platform_managed, succeeded, denied, public_ips, exec_command, object_name. workload_writes adds pod_spec, containers, bare_pod, images, owner_workload (and its
 * platform_managed leaves out bare pods).
 *
 * The platform exemption (is_platform) is an identity and a place: a platform identity (kt_is_platform)
 * that the cluster issues (kt_is_cluster_identity: service accounts, nodes, control-plane components) is
 * only exempt while it calls from a private address, a trusted range (TRUSTED_CIDRS_PARAMETER) or an
 * address the cluster's nodes call from (cluster_addresses). A stolen kube-system token used from the
 * attacker's machine is then judged like anyone else's.
 * Anything else (groups, annotations, response bodies) is in audit_events, joined on (cluster, audit_id).
 */

const STAGE_RANK = `CASE a.stage WHEN 'ResponseComplete' THEN 4 WHEN 'Panic' THEN 3 WHEN 'ResponseStarted' THEN 2 WHEN 'RequestReceived' THEN 1 ELSE 0 END`;

/** Bounds of one run, as literals for the views (values from the database and the job file, never from logs). */
export interface ScopeBounds {
  /** Latest landed_at this run covers. */
  hi: string;
  /** Event-time span of the new events over all clusters. */
  tLo: string;
  tHi: string;
  /** Longest window of any detection in this run. */
  lookbackMs: number;
}

const ts = (v: string) => `TIMESTAMPTZ '${v.replace(/[^0-9A-Za-z:+\-. ]/g, '')}'`;
const lookback = (b: ScopeBounds) => `to_microseconds(CAST(${Math.round(b.lookbackMs * 1000)} AS BIGINT))`;

/** Statement 1. Parameters: $lo (TIMESTAMPTZ or NULL = from the start), $hi. */
export const NEW_RANGE_SQL = `
CREATE OR REPLACE TEMP TABLE kt_new_range AS
SELECT cluster, min(event_time) AS t_lo, max(event_time) AS t_hi, count(*) AS n
FROM audit_events
WHERE ($lo IS NULL OR landed_at > CAST($lo AS TIMESTAMPTZ)) AND landed_at <= $hi
GROUP BY cluster`;

/** The candidate rows: landed up to hi, inside each cluster's span widened by the lookback. */
function candidates(b: ScopeBounds): string {
  return `audit_events a JOIN kt_new_range r ON a.cluster = r.cluster
  WHERE a.landed_at <= ${ts(b.hi)}
    AND a.event_time BETWEEN ${ts(b.tLo)} - ${lookback(b)} AND ${ts(b.tHi)} + ${lookback(b)}
    AND a.event_time BETWEEN r.t_lo - ${lookback(b)} AND r.t_hi + ${lookback(b)}`;
}

/**
 * Statement 2: the lesser stages to leave out. Most requests are logged once (ResponseComplete); only rows
 * of another stage can be a lesser copy, so only those are looked up against the rest.
 */
export function dropSql(b: ScopeBounds): string {
  return `
CREATE OR REPLACE TEMP TABLE kt_drop AS
WITH lesser AS (
  SELECT a.cluster, a.audit_id, a.rowid AS rid, ${STAGE_RANK} AS rk
  FROM ${candidates(b)} AND a.stage <> 'ResponseComplete'
)
SELECT l.rid FROM lesser l
WHERE EXISTS (
  SELECT 1 FROM ${candidates(b)} AND a.cluster = l.cluster AND a.audit_id = l.audit_id AND ${STAGE_RANK} > l.rk)`;
}

/** Resources whose write bodies some detection reads; other bodies (status updates, leases) stay out of the scope. */
export const BODY_RESOURCES = [
  'pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers',
  'roles', 'clusterroles', 'rolebindings', 'clusterrolebindings', 'serviceaccounts', 'services', 'ingresses', 'configmaps',
  'certificatesigningrequests', 'mutatingwebhookconfigurations', 'validatingwebhookconfigurations',
  'validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings',
];

/**
 * Where the cluster's own addresses are declared: the job file's `trusted_cidrs` of this detection (NAT
 * gateways, egress addresses). It is one list for the whole library: system-identity-from-public-ip reports
 * the cluster's identities calling from anywhere else, and the scope's `is_platform` stops exempting them
 * there (see outsideSql).
 */
export const TRUSTED_CIDRS_PARAMETER = { detection: 'system-identity-from-public-ip', parameter: 'trusted_cidrs' } as const;

/** Distinct nodes that must call from one address for it to be the cluster's own (its NAT, its load balancer). */
export const NODES_PER_CLUSTER_ADDRESS = 2;

/**
 * Statements 3a-3c: the cluster's own addresses, and the outside ones its identities called from.
 *   kt_cluster_ips  per cluster, the addresses at least NODES_PER_CLUSTER_ADDRESS of its nodes called from:
 *                   kubelets run on the nodes, so those are where the cluster reaches its API server from
 *                   (the NAT gateway or outbound load balancer of a public endpoint). One stolen node
 *                   certificate cannot make an address the cluster's. The view `cluster_addresses` shows them.
 *   kt_platform_ips the distinct addresses of the cluster's own identities (service accounts, nodes,
 *                   control-plane components) in this run's range;
 *   kt_outside      one row: those that are public, not in the trusted ranges and not the cluster's, as
 *                   'cluster<US>ip' keys (one uncorrelated list: a join here slows the scope statement down
 *                   several times).
 * The range test (bit prefixes from cidrPrefix, inlined: they come from the job file, checked, and are only
 * '4'/'6' and bits) is costly and a cluster's identities use few addresses, so it runs once per distinct
 * address, in a statement of its own (within one query DuckDB pushes it below the DISTINCT, onto every row).
 */
export function outsideSql(b: ScopeBounds, trusted: string[]): string[] {
  for (const t of trusted) if (!/^[46][01]*$/.test(t)) throw new Error(`not an address prefix: ${JSON.stringify(t)}`);
  const list = `[${trusted.map((t) => `'${t}'`).join(', ')}]`;
  return [
    `
CREATE OR REPLACE TEMP TABLE kt_cluster_ips AS
SELECT cluster, ip FROM (
  SELECT a.cluster, a.user_name, unnest(a.source_ips) AS ip
  FROM ${candidates(b)} AND starts_with(a.user_name, 'system:node:')
)
GROUP BY cluster, ip HAVING count(DISTINCT user_name) >= ${NODES_PER_CLUSTER_ADDRESS}`,
    `CREATE OR REPLACE TEMP VIEW cluster_addresses AS SELECT cluster, ip FROM kt_cluster_ips`,
    `
CREATE OR REPLACE TEMP TABLE kt_platform_ips AS
SELECT DISTINCT a.cluster, unnest(a.source_ips) AS ip
FROM ${candidates(b)} AND kt_is_platform(a.user_name) AND kt_is_cluster_identity(a.user_name)`,
    `
CREATE OR REPLACE TEMP TABLE kt_outside AS
SELECT coalesce(list(p.cluster || chr(31) || p.ip), []) AS keys FROM kt_platform_ips p
WHERE NOT kt_is_private_ip(p.ip)${trusted.length ? ` AND NOT kt_ip_in(kt_ip_bits(p.ip), ${list})` : ''}
  AND NOT EXISTS (SELECT 1 FROM kt_cluster_ips c WHERE c.cluster = p.cluster AND c.ip = p.ip)`,
  ];
}

/**
 * Statement 3: kt_scope, one narrow row per request with the shared columns, and the `scope` view over it.
 * Narrow on purpose (no JSON but the bodies detections read): every detection scans it.
 */
export function scopeSql(b: ScopeBounds, trusted: string[] = []): string[] {
  return [
    ...outsideSql(b, trusted),
    `
CREATE OR REPLACE TEMP TABLE kt_scope AS
WITH req AS (
  SELECT a.cluster, a.provider, a.audit_id, a.verb, a.request_uri, a.user_name, a.impersonated_user, a.impersonated_groups,
         a.source_ips, a.user_agent, a.api_group, a.resource, a.subresource, a.namespace, a.name, a.response_code, a.decision,
         a.event_time, a.landed_at AS new_at,
         coalesce(json_extract_string(a.user_extra, '$.arn[0]'), json_extract_string(a.user_extra, '$.arn')) AS arn,
         coalesce(a.user_name IN ('system:anonymous', 'system:unauthenticated') OR list_contains(a.user_groups, 'system:unauthenticated'), false) AS is_anonymous,
         CASE WHEN a.verb IN ('create', 'update', 'patch')
                   AND (a.subresource IS NULL OR a.subresource IN ('ephemeralcontainers', 'approval'))
                   AND a.resource IN (${BODY_RESOURCES.map((r) => `'${r}'`).join(', ')})
              THEN a.request_object END AS request_object
  FROM ${candidates(b)}
    AND a.rowid NOT IN (SELECT rid FROM kt_drop)
),
-- computed once here: a column alias reused in the same SELECT is its expression again
who AS (
  SELECT *,
    list_filter(coalesce(source_ips, []), lambda ip: NOT kt_is_private_ip(ip)) AS public_ips,
    kt_is_platform(user_name) AS platform_identity,
    kt_is_system_namespace(namespace) AS in_system_namespace
  FROM req
),
place AS (
  -- the platform's exemption holds where the platform acts from: a service account, node or control-plane
  -- component calling from an outside address is someone holding its token, not the platform
  SELECT *, platform_identity AND NOT coalesce(CASE WHEN len(public_ips) > 0 AND kt_is_cluster_identity(user_name)
    THEN list_has_any(list_transform(public_ips, lambda ip: cluster || chr(31) || ip), (SELECT keys FROM kt_outside)) END, false) AS is_platform
  FROM who
)
SELECT *,
  is_platform AND coalesce(user_name <> 'masterclient', true) AS is_control_plane,
  is_platform AND in_system_namespace AS platform_managed,
  coalesce(decision, '') <> 'forbid' AND coalesce(response_code < 400, true) AS succeeded,
  coalesce(response_code = 401 OR decision = 'forbid' OR (decision IS NULL AND response_code = 403), false) AS denied,
  CASE WHEN resource = 'pods' AND subresource IN ('exec', 'attach') THEN nullif(array_to_string(list_transform(
    regexp_extract_all(request_uri, '[?&]command=([^&]*)', 1), lambda c: try(url_decode(replace(c, '+', ' ')))), ' '), '') END AS exec_command,
  coalesce(name, json_extract_string(request_object, '$.metadata.name'), json_extract_string(request_object, '$.metadata.generateName') || '*') AS object_name
FROM place`,
    `CREATE OR REPLACE TEMP VIEW scope AS SELECT * FROM kt_scope`,
  ];
}

/**
 * Statement 4: the requests that carry a pod spec (pods and workload templates written with a body),
 * parsed once per run: ten detections look at pod specs, and parsing JSON is what costs.
 */
export const POD_WRITES_SQL = `
CREATE OR REPLACE TEMP TABLE kt_pod_writes AS
WITH spec AS (
  SELECT *, kt_pod_spec(resource, subresource, verb, request_object) AS pod_spec
  FROM kt_scope
  WHERE resource IN ('pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers')
    AND verb IN ('create', 'update', 'patch') AND request_object IS NOT NULL
),
cont AS (
  SELECT *, kt_containers(pod_spec) AS containers,
    -- created directly (kubectl run, a manifest), not by a controller: controllers set an owner on their pods
    resource = 'pods' AND verb = 'create' AND coalesce(json_array_length(json_extract(request_object, '$.metadata.ownerReferences')), 0) = 0 AS bare_pod
  FROM spec WHERE pod_spec IS NOT NULL
)
SELECT * REPLACE (
    -- the cluster's controllers make their pods with an owner, and nodes their mirror pods: a service account
    -- or component creating a bare pod in a system namespace is someone using its token, not the platform
    -- (the cloud's own agents manage their add-ons their way and keep the exemption)
    platform_managed AND NOT (bare_pod AND kt_is_cluster_identity(user_name) AND NOT starts_with(user_name, 'system:node:')) AS platform_managed),
  kt_images(containers) AS images,
  -- the workload a pod belongs to: its owner, with a ReplicaSet's pod-template-hash taken off (the Deployment)
  CASE WHEN resource = 'pods' AND json_extract_string(request_object, '$.metadata.ownerReferences[0].name') IS NOT NULL THEN
    CASE WHEN json_extract_string(request_object, '$.metadata.ownerReferences[0].kind') = 'ReplicaSet'
              AND ends_with(json_extract_string(request_object, '$.metadata.ownerReferences[0].name'), '-' || json_extract_string(request_object, '$.metadata.labels."pod-template-hash"'))
         THEN left(json_extract_string(request_object, '$.metadata.ownerReferences[0].name'),
                   length(json_extract_string(request_object, '$.metadata.ownerReferences[0].name')) - length(json_extract_string(request_object, '$.metadata.labels."pod-template-hash"')) - 1)
         ELSE json_extract_string(request_object, '$.metadata.ownerReferences[0].name') END
  END AS owner_workload
FROM cont`;

/**
 * The per-detection views: `events` (requests landed after the detection's watermark, all of them when it
 * has none) and `workload_writes` (the same, limited to requests that carry a pod spec).
 */
export function eventsViewSql(lo: string | null): string[] {
  const after = lo === null ? '' : ` WHERE new_at > ${ts(lo)}`;
  return [
    `CREATE OR REPLACE TEMP VIEW events AS SELECT * FROM kt_scope${after}`,
    `CREATE OR REPLACE TEMP VIEW workload_writes AS SELECT * FROM kt_pod_writes${after}`,
  ];
}
