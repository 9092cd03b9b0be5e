/*
id: role-with-escalate-bind-impersonate
title: Role grants escalate, bind or impersonate
severity: high
mitre: [T1098.006, T1134]
needs: [request-bodies]
description: >-
  A Role or ClusterRole is written with the escalate, bind or impersonate verbs: escalate lets the holder write roles with more rights than it has, bind lets it bind any role, impersonate lets it act as any user, group or service account. Each is a path to cluster admin. (A `*` verb is reported by wildcard-role.)
false_positives: >-
  Roles of tools that manage RBAC (GitOps controllers, operators that create roles for their workloads).
response:
  - Who wrote the role and what it allows (summary, request_object).
  - Who it is bound to (`SELECT * FROM requests WHERE resource LIKE '%rolebindings' AND json_extract_string(request_object, '$.roleRef.name') = '<role>'`).
  - Narrow it, or delete it if nobody can explain it.
tags: [privilege-escalation, rbac]
references: [Elastic Kubernetes role with escalate/bind/impersonate (GKE)]
*/
WITH roles AS (
  SELECT *, list_filter(kt_rules(request_object), lambda r: len(list_intersect(kt_rule_verbs(r), ['escalate', 'bind', 'impersonate'])) > 0) AS matched
  FROM events
  WHERE resource IN ('roles', 'clusterroles') AND verb IN ('create', 'update', 'patch') AND subresource IS NULL AND succeeded
    AND NOT is_control_plane
)
SELECT cluster, audit_id, event_time,
  resource || ' ' || kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || CASE resource WHEN 'roles' THEN 'Role' ELSE 'ClusterRole' END || ' '
    || kt_target(namespace, object_name) || ' granting escalate/bind/impersonate: '
    || array_to_string(list_transform(matched, lambda r: array_to_string(kt_rule_verbs(r), ',') || ' on ' || array_to_string(kt_rule_resources(r), ',')), '; ') AS summary
FROM roles
WHERE len(matched) > 0
