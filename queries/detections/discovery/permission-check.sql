/*
id: permission-check
title: Workload identity checks its own permissions
severity: low
mitre: [T1069, T1087]
needs: [metadata]
description: >-
  A service account, a node or an anonymous request creates a SelfSubjectAccessReview or
  SelfSubjectRulesReview (`kubectl auth can-i`, `can-i --list`): asking what it is allowed to do. People
  do this; workloads almost never do, so from a workload identity it is the first thing someone holding
  its token runs. kube-system's service accounts are left out while they call from inside the cluster
  (some controllers check their rights); from an outside address they are someone holding their token.
false_positives: >-
  Tools that check their rights at start-up (some operators, dashboards). Suppress their accounts.
response:
  - Which identity asked, from where (summary), and what it did right after (`FROM timeline('<account>')`).
tags: [discovery]
references: [Sigma RBAC Permission Enumeration Attempt, Elastic (GKE, AKS), GuardDuty Discovery:Kubernetes/AnomalousBehavior.PermissionChecked]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) AS group_key,
  kt_who(user_name) || ' from ' || coalesce(array_to_string(source_ips, ', '), '?') || ' checked its permissions (' || resource || ')' AS summary
FROM events
WHERE resource IN ('selfsubjectaccessreviews', 'selfsubjectrulesreviews') AND verb = 'create' AND succeeded
  AND (is_anonymous OR starts_with(user_name, 'system:node:')
       OR (starts_with(user_name, 'system:serviceaccount:') AND NOT is_platform))
