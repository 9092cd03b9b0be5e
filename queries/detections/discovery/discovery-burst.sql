/*
id: discovery-burst
title: Workload identity lists many resource types
severity: medium
mitre: [T1613]
needs: [metadata, read-verbs]
window: window
description: >-
  A service account (kube-system's only from outside the cluster's networks) or an anonymous request lists at least `threshold` distinct
  resource types within `window`: mapping the cluster. Workloads list the few types they work with;
  many types in a few minutes is someone exploring with the workload's token. Lists are reads, which are
  not logged everywhere (AKS kube-audit-admin, GKE without Data Access).
false_positives: >-
  Inventory and backup tools, dashboards, policy engines running as service accounts. Suppress them.
response:
  - Which identity and types (summary, evidence), from where.
  - What it did with what it found (writes, secret reads) - `FROM timeline('<account>')`.
tags: [discovery, threshold]
parameters:
  threshold:
    type: integer
    default: 10
    description: distinct resource types listed within the window
  window:
    type: duration
    default: 5m
    description: how close together the lists are
references: [Elastic Kubernetes multi-resource discovery (GKE)]
*/
WITH all_lists AS (
  SELECT *, coalesce(api_group, '') || '/' || resource AS kind
  FROM scope
  WHERE verb = 'list' AND resource IS NOT NULL AND succeeded
    AND (is_anonymous OR (starts_with(user_name, 'system:serviceaccount:') AND NOT is_platform))
),
-- only principals that reach the threshold at all go through the sliding window
busy AS (SELECT cluster, user_name FROM all_lists GROUP BY ALL HAVING count(DISTINCT kind) >= $threshold),
lists AS (
  SELECT l.*, count(DISTINCT l.kind) OVER w AS n
  FROM all_lists l SEMI JOIN busy b ON b.cluster = l.cluster AND b.user_name IS NOT DISTINCT FROM l.user_name
  WINDOW w AS (PARTITION BY cluster, user_name ORDER BY event_time RANGE BETWEEN $window PRECEDING AND CURRENT ROW)
),
hits AS (SELECT cluster, user_name, event_time AS hit_at FROM lists WHERE n >= $threshold)
SELECT l.cluster, l.audit_id, l.event_time,
  kt_who(l.user_name) AS group_key,
  kt_who(l.user_name) || ' listed ' || l.n || ' resource types within ' || kt_duration($window) AS summary
FROM lists l
WHERE EXISTS (SELECT 1 FROM hits h WHERE h.cluster = l.cluster AND h.user_name IS NOT DISTINCT FROM l.user_name
                AND l.event_time BETWEEN h.hit_at - $window AND h.hit_at)
