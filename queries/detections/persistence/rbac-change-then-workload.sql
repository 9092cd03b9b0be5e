/*
id: rbac-change-then-workload
title: RBAC change followed by a workload change by the same principal
severity: high
mitre: [T1098.006, T1610]
needs: [metadata]
window: window
description: >-
  The same principal writes a Role, ClusterRole or binding and then, within `window`, creates or changes a
  pod or workload. Granting yourself (or a service account) rights and then using them right away is how
  an escalation unfolds; administrators rarely do both in one go. The platform is left out. Both events
  are evidence.
false_positives: >-
  Deployment pipelines that apply RBAC and workloads together (Helm, GitOps). Suppress their identities.
response:
  - The RBAC change and the workload change (evidence), in order - `FROM timeline('<user>')`.
  - Whether the workload runs as the account that just got rights; revert both if unexplained.
tags: [privilege-escalation, sequence]
parameters:
  window:
    type: duration
    default: 10m
    description: longest time between the RBAC change and the workload change
references: [Elastic Kubernetes sensitive RBAC change followed by workload modification (GKE)]
*/
WITH rbac AS (
  SELECT cluster, audit_id, event_time, user_name, verb, resource || ' ' || kt_target(namespace, object_name) AS what
  FROM scope
  WHERE resource IN ('roles', 'clusterroles', 'rolebindings', 'clusterrolebindings') AND verb IN ('create', 'update', 'patch')
    AND subresource IS NULL AND succeeded AND NOT is_platform
),
work AS (
  SELECT cluster, audit_id, event_time, user_name, verb, resource || ' ' || kt_target(namespace, object_name) AS what
  FROM scope
  WHERE resource IN ('pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs')
    AND verb IN ('create', 'update', 'patch') AND subresource IS NULL AND succeeded AND NOT is_platform
),
pairs AS (
  SELECT r.cluster, r.user_name, r.audit_id AS r_id, r.event_time AS r_t, w.audit_id AS w_id, w.event_time AS w_t,
    kt_who(r.user_name) || ' ' || kt_did(r.verb) || ' ' || r.what || ', then ' || kt_did(w.verb) || ' ' || w.what
      || ' ' || CAST(CAST(epoch(w.event_time - r.event_time) AS BIGINT) AS VARCHAR) || 's later' AS summary
  FROM rbac r JOIN work w ON w.cluster = r.cluster AND w.user_name = r.user_name
    AND w.event_time > r.event_time AND w.event_time <= r.event_time + $window
)
SELECT cluster, r_id AS audit_id, r_t AS event_time, kt_who(user_name) AS group_key, summary FROM pairs
UNION ALL
SELECT cluster, w_id, w_t, kt_who(user_name), summary FROM pairs
