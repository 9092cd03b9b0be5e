/**
 * Synthetic audit events for benchmarks and load tests, generated inside DuckDB (SQL over range()) straight
 * into audit_events: a realistic mix of three clusters, mostly reads by controllers and workloads, writes
 * with bodies for workloads and RBAC, a few exec sessions, denials, anonymous probes and attacks, so that
 * detections have work to do. Deterministic: row i is always the same event.
 */
/** SQL generating `n` events starting at row `offset`, event times from `t0` over `span`. */
export function generateEventsSql(offset: number, n: number, t0: string, spanSeconds: number, runId: string): string {
  // h(k): a deterministic pseudo-random number in [0, 1) per row and purpose k.
  const h = (k: number) => `(hash(i * 7919 + ${k}) % 1000000) / 1000000.0`;
  return `
INSERT INTO audit_events BY NAME
WITH base AS (
  SELECT i, ${h(1)} AS r1, ${h(2)} AS r2, ${h(3)} AS r3, ${h(4)} AS r4, ${h(5)} AS r5, ${h(6)} AS r6
  FROM range(${offset}, ${offset + n}) t(i)
),
shaped AS (
  SELECT *,
    (['eks-prod', 'gke-prod', 'aks-prod'])[1 + (i % 3)] AS cluster,
    (['eks', 'gke', 'aks'])[1 + (i % 3)] AS provider,
    CASE WHEN r1 < 0.40 THEN 'get' WHEN r1 < 0.55 THEN 'list' WHEN r1 < 0.65 THEN 'watch' WHEN r1 < 0.80 THEN 'update'
         WHEN r1 < 0.87 THEN 'patch' WHEN r1 < 0.96 THEN 'create' ELSE 'delete' END AS verb,
    CASE WHEN r2 < 0.25 THEN 'pods' WHEN r2 < 0.40 THEN 'configmaps' WHEN r2 < 0.50 THEN 'secrets' WHEN r2 < 0.60 THEN 'leases'
         WHEN r2 < 0.68 THEN 'deployments' WHEN r2 < 0.74 THEN 'services' WHEN r2 < 0.80 THEN 'nodes' WHEN r2 < 0.85 THEN 'endpoints'
         WHEN r2 < 0.88 THEN 'rolebindings' WHEN r2 < 0.90 THEN 'clusterroles' WHEN r2 < 0.93 THEN 'daemonsets' WHEN r2 < 0.96 THEN 'jobs'
         ELSE 'serviceaccounts' END AS resource,
    CASE WHEN r3 < 0.35 THEN 'system:serviceaccount:kube-system:' || (['replicaset-controller', 'daemon-set-controller', 'endpoint-controller', 'generic-garbage-collector'])[1 + (i % 4)]
         WHEN r3 < 0.55 THEN 'system:node:node-' || (i % 40)
         WHEN r3 < 0.85 THEN 'system:serviceaccount:app-' || (i % 25) || ':sa-' || (i % 7)
         WHEN r3 < 0.99 THEN 'user' || (i % 30) || '@example.com'
         WHEN r3 < 0.995 THEN 'system:anonymous'
         ELSE 'eks:addon-manager' END AS user_name,
    'ns-' || (i % 50) AS ns
  FROM base
)
SELECT
  cluster, provider,
  'bench-' || i AS audit_id,
  'ResponseComplete' AS stage,
  CASE WHEN verb IN ('create', 'update', 'patch') AND r4 < 0.3 THEN 'RequestResponse' ELSE 'Metadata' END AS level,
  CASE WHEN resource = 'pods' AND r5 < 0.004 THEN (CASE WHEN r6 < 0.5 THEN 'create' ELSE 'get' END) ELSE verb END AS verb,
  CASE WHEN resource = 'pods' AND r5 < 0.004
       THEN '/api/v1/namespaces/' || ns || '/pods/p-' || (i % 500) || '/exec?command=' || (['sh', 'bash', 'curl', 'cat%20%2Fvar%2Frun%2Fsecrets%2Fkubernetes.io%2Fserviceaccount%2Ftoken', 'ls'])[1 + (i % 5)] || '&container=c'
       ELSE '/api/v1/namespaces/' || ns || '/' || resource || CASE WHEN verb IN ('list', 'watch', 'create') THEN '' ELSE '/obj-' || (i % 1000) END END AS request_uri,
  user_name,
  NULL AS user_uid,
  CASE WHEN user_name = 'system:anonymous' THEN ['system:unauthenticated'] ELSE ['system:authenticated'] END AS user_groups,
  NULL AS user_extra, NULL AS impersonated_user, NULL AS impersonated_groups,
  [CASE WHEN r6 < 0.02 THEN '203.0.113.' || (i % 200) ELSE '10.0.' || (i % 200) || '.' || (i % 250) END] AS source_ips,
  CASE WHEN r6 < 0.001 THEN 'curl/8.5.0' WHEN r6 < 0.0015 THEN 'kube-hunter' ELSE 'kubectl/v1.31.2 (linux/amd64)' END AS user_agent,
  CASE WHEN resource IN ('deployments', 'daemonsets') THEN 'apps' WHEN resource = 'jobs' THEN 'batch'
       WHEN resource IN ('rolebindings', 'clusterroles') THEN 'rbac.authorization.k8s.io' WHEN resource = 'leases' THEN 'coordination.k8s.io' ELSE '' END AS api_group,
  'v1' AS api_version,
  resource,
  CASE WHEN resource = 'pods' AND r5 < 0.004 THEN 'exec' END AS subresource,
  CASE WHEN resource IN ('nodes', 'clusterroles') THEN NULL ELSE ns END AS namespace,
  CASE WHEN verb IN ('list', 'watch') THEN NULL ELSE 'obj-' || (i % 1000) END AS name,
  CASE WHEN r4 > 0.985 THEN 403 WHEN resource = 'pods' AND r5 < 0.004 THEN 101 WHEN verb = 'create' THEN 201 ELSE 200 END AS response_code,
  CASE WHEN r4 > 0.985 THEN 'forbid' ELSE 'allow' END AS decision,
  TIMESTAMPTZ '${t0}' + to_microseconds(CAST(i - ${offset} AS BIGINT) * ${Math.round((spanSeconds * 1e6) / n)}) AS request_received_at,
  TIMESTAMPTZ '${t0}' + to_microseconds(CAST(i - ${offset} AS BIGINT) * ${Math.round((spanSeconds * 1e6) / n)} + 5000) AS stage_at,
  TIMESTAMPTZ '${t0}' + to_microseconds(CAST(i - ${offset} AS BIGINT) * ${Math.round((spanSeconds * 1e6) / n)} + 5000) AS event_time,
  NULL AS ingested_at,
  CASE WHEN verb IN ('create', 'update', 'patch') AND r4 < 0.3 AND resource IN ('pods', 'deployments', 'daemonsets', 'jobs') THEN
    CAST('{"kind":"Pod","metadata":{"name":"obj-' || (i % 1000) || '"},"spec":{' || CASE WHEN resource = 'pods' THEN '' ELSE '"template":{"spec":{' END
      || '"containers":[{"name":"c","image":"' || (['nginx:1.27', 'registry.example.com/app:2', 'xmrig/xmrig', 'busybox'])[1 + (i % 4)] || '"'
      || CASE WHEN r6 < 0.01 THEN ',"securityContext":{"privileged":true}' ELSE '' END || '}]'
      || CASE WHEN r6 > 0.995 THEN ',"hostPID":true,"volumes":[{"name":"h","hostPath":{"path":"/"}}]' ELSE '' END
      || CASE WHEN resource = 'pods' THEN '' ELSE '}}' END || '}}' AS JSON)
  WHEN resource IN ('rolebindings') AND verb IN ('create', 'update') AND r4 < 0.3 THEN
    CAST('{"kind":"RoleBinding","roleRef":{"kind":"ClusterRole","name":"' || (['view', 'edit', 'cluster-admin'])[1 + (i % 3)] || '"},"subjects":[{"kind":"ServiceAccount","name":"' || (['default', 'app'])[1 + (i % 2)] || '","namespace":"' || ns || '"}]}' AS JSON)
  WHEN resource IN ('clusterroles') AND verb IN ('create', 'update') AND r4 < 0.3 THEN
    CAST('{"kind":"ClusterRole","rules":[{"apiGroups":[""],"resources":["' || (['pods', '*', 'pods/exec', 'nodes/proxy'])[1 + (i % 4)] || '"],"verbs":["get","create"]}]}' AS JSON)
  END AS request_object,
  NULL AS response_object,
  NULL AS annotations,
  NULL AS response_status, NULL AS object_uid, NULL AS object_resource_version, NULL AS impersonated_uid, NULL AS impersonated_extra, NULL AS authz_reason,
  false AS body_truncated,
  'bench' AS envelope,
  NULL AS provider_event_id, NULL AS log_name, 'bench' AS source, i AS source_line, NULL AS source_item, NULL AS envelope_record,
  '${runId}' AS run_id,
  now() AS landed_at
FROM shaped`;
}
