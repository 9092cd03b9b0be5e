/*
id: wildcard-role
title: Role or ClusterRole with wildcard verbs or resources
severity: high
mitre: [T1098.006]
needs: [request-bodies]
description: >-
  A Role or ClusterRole is written with `*` in the verbs or the resources of a rule: every action, or every resource type including ones added later (secrets, pods/exec, ...). Equivalent to admin on its scope. The control plane reconciling built-in roles is left out.
false_positives: >-
  Admin roles for platform teams. Suppress by principal for known deployment pipelines.
response:
  - Who wrote the role and what it allows (summary, request_object).
  - Who it is bound to (`SELECT * FROM requests WHERE resource LIKE '%rolebindings' AND json_extract_string(request_object, '$.roleRef.name') = '<role>'`).
  - Narrow it, or delete it if nobody can explain it.
tags: [privilege-escalation, persistence, rbac]
references: [Falco ClusterRole With Wildcard Created, Panther Kubernetes.Role.Wildcard, Elastic, Defender K8S_HighPrivilegesRole, GuardDuty AnomalousBehavior.RoleCreated]
*/
WITH roles AS (
  SELECT *, list_filter(kt_rules(request_object), lambda r: list_contains(kt_rule_verbs(r), '*') OR list_contains(kt_rule_resources(r), '*')) AS matched
  FROM events
  WHERE resource IN ('roles', 'clusterroles') AND verb IN ('create', 'update', 'patch') AND subresource IS NULL AND succeeded
    AND NOT is_control_plane
)
SELECT cluster, audit_id, event_time,
  resource || ' ' || kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || CASE resource WHEN 'roles' THEN 'Role' ELSE 'ClusterRole' END || ' '
    || kt_target(namespace, object_name) || ' with wildcard rules: '
    || array_to_string(list_transform(matched, lambda r: array_to_string(kt_rule_verbs(r), ',') || ' on ' || array_to_string(kt_rule_resources(r), ',')), '; ') AS summary
FROM roles
WHERE len(matched) > 0
