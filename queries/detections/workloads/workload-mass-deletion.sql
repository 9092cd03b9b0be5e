/*
id: workload-mass-deletion
title: Many workloads deleted in a short time
severity: high
mitre: [T1485, T1489]
needs: [metadata]
window: window
description: >-
  One principal deletes at least `threshold` distinct workload objects (pods, Deployments, StatefulSets,
  DaemonSets, Jobs, CronJobs, Services, PVCs, namespaces, ...) within `window`; one deletecollection
  counts as reaching the threshold. Destruction or ransom (impact), or an attacker cleaning up. The
  platform's controllers (garbage collector, namespace controller) are left out.
false_positives: >-
  Tearing down an environment (CI preview namespaces, `helm uninstall`). Suppress the CI identity for its
  namespaces.
response:
  - Who deleted what (finding evidence; `SELECT resource, namespace, name FROM requests WHERE audit_id IN (...)`).
  - Whether it was planned (change tickets, pipelines); check the principal's recent actions (`FROM timeline('<user>')`).
  - Restore from GitOps or backups; revoke the principal if it was not planned.
tags: [impact, threshold]
parameters:
  threshold:
    type: integer
    default: 10
    description: distinct objects deleted by one principal within the window
  window:
    type: duration
    default: 10m
    description: how close together the deletions are
references: [Sigma Deployment Deleted From Kubernetes Cluster, Elastic AKS workload deletion, Falco K8s Deployment Deleted (info)]
*/
WITH all_dels AS (
  SELECT *, resource || ' ' || kt_target(namespace, name) AS target
  FROM scope
  WHERE verb IN ('delete', 'deletecollection') AND succeeded AND NOT is_platform AND subresource IS NULL
    AND resource IN ('pods', 'deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs', 'services',
                     'namespaces', 'persistentvolumeclaims', 'persistentvolumes', 'ingresses', 'configmaps', 'secrets')
),
-- only principals that reach the threshold at all go through the sliding window
busy AS (
  SELECT cluster, user_name FROM all_dels GROUP BY ALL
  HAVING count(DISTINCT target) >= $threshold OR bool_or(verb = 'deletecollection')
),
dels AS (
  SELECT d.* FROM all_dels d SEMI JOIN busy b ON b.cluster = d.cluster AND b.user_name IS NOT DISTINCT FROM d.user_name
),
counted AS (
  SELECT *,
    count(DISTINCT target) OVER w AS n,
    bool_or(verb = 'deletecollection') OVER w AS collection
  FROM dels
  WINDOW w AS (PARTITION BY cluster, user_name ORDER BY event_time RANGE BETWEEN $window PRECEDING AND CURRENT ROW)
),
hits AS (
  SELECT cluster, user_name, event_time AS hit_at FROM counted WHERE n >= $threshold OR collection
)
SELECT c.cluster, c.audit_id, c.event_time,
  kt_who(c.user_name) AS group_key,
  kt_who(c.user_name) || ' deleted ' || CASE WHEN c.collection THEN 'a whole collection and ' ELSE '' END || c.n
    || ' objects within ' || kt_duration($window) || ' (latest: ' || c.target || ')' AS summary
FROM counted c
WHERE EXISTS (SELECT 1 FROM hits h WHERE h.cluster = c.cluster AND h.user_name IS NOT DISTINCT FROM c.user_name
                AND c.event_time BETWEEN h.hit_at - $window AND h.hit_at)
