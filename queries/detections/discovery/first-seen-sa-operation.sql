/*
id: first-seen-sa-operation
title: Service account performs an operation it never did before
severity: low
mitre: [T1078.001, T1528]
needs: [metadata]
description: >-
  A service account (kube-system's only from outside the cluster's networks) successfully performs a verb on a resource (plus subresource)
  that it has not performed in the `baseline` before, in a cluster with at least `learning` of history.
  Workloads are repetitive: a new operation often means its token is being used by someone else. Reads
  count only where they are logged (AKS kube-audit-admin and GKE without Data Access see writes only).
false_positives: >-
  New releases of the workload that use new APIs; rarely used code paths (monthly jobs). One finding per
  account and operation.
response:
  - What the account did for the first time (summary) and from where; compare with the workload's release history.
  - The account's other recent operations (`FROM timeline('<account>')`); if a pod's token was taken, the source IP is not the pod's.
tags: [anomaly, credential-access]
parameters:
  baseline:
    type: duration
    default: 30d
    description: how far back a previous occurrence counts
  learning:
    type: duration
    default: 7d
    description: history the cluster must have before this reports anything
references: [Defender K8S_ServiceAccountRareOperation, GuardDuty AnomalousBehavior, Elastic new_terms]
*/
WITH cand AS (
  SELECT cluster, user_name, verb, resource, subresource,
    arg_min(audit_id, event_time) AS audit_id, min(event_time) AS event_time,
    arg_min(kt_target(namespace, name), event_time) AS target
  FROM events
  WHERE starts_with(user_name, 'system:serviceaccount:') AND NOT is_platform AND succeeded AND resource IS NOT NULL
  GROUP BY ALL
),
history AS (
  SELECT cluster, min(event_time) AS since FROM audit_events WHERE cluster IN (SELECT DISTINCT cluster FROM cand) GROUP BY cluster
)
SELECT c.cluster, c.audit_id, c.event_time,
  c.user_name || ' ' || c.verb || ' ' || c.resource || coalesce('/' || c.subresource, '') AS group_key,
  c.user_name || ' did ' || c.verb || ' on ' || c.resource || coalesce('/' || c.subresource, '') || ' for the first time (' || c.target || ')' AS summary
FROM cand c JOIN history h ON h.cluster = c.cluster
WHERE c.event_time >= h.since + $learning
  AND NOT EXISTS (
    SELECT 1 FROM audit_events a
    WHERE a.cluster = c.cluster AND a.user_name = c.user_name AND a.verb = c.verb AND a.resource = c.resource
      AND a.subresource IS NOT DISTINCT FROM c.subresource
      AND a.event_time < c.event_time AND a.event_time >= c.event_time - $baseline)
