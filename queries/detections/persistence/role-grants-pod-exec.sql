/*
id: role-grants-pod-exec
title: Role grants exec or attach into pods
severity: medium
mitre: [T1098.006, T1609]
needs: [request-bodies]
description: >-
  A Role or ClusterRole is written with a rule on pods/exec or pods/attach (or pods/*) with verb create or get (SPDY and WebSocket exec need one each): whoever holds it can run commands in the pods in its scope and use their service-account tokens.
false_positives: >-
  Debug roles for on-call engineers. Suppress by principal for known pipelines.
response:
  - Who wrote the role and what it allows (summary, request_object).
  - Who it is bound to (`SELECT * FROM requests WHERE resource LIKE '%rolebindings' AND json_extract_string(request_object, '$.roleRef.name') = '<role>'`).
  - Narrow it, or delete it if nobody can explain it.
tags: [privilege-escalation, execution, rbac]
references: [Falco ClusterRole With Pod Exec Created, Panther Kubernetes.Role.PodExec]
*/
WITH roles AS (
  SELECT *, list_filter(kt_rules(request_object), lambda r: len(list_intersect(kt_rule_resources(r), ['pods/exec', 'pods/attach', 'pods/*'])) > 0 AND len(list_intersect(kt_rule_verbs(r), ['create', 'get', '*'])) > 0) AS matched
  FROM events
  WHERE resource IN ('roles', 'clusterroles') AND verb IN ('create', 'update', 'patch') AND subresource IS NULL AND succeeded
    AND NOT is_control_plane
)
SELECT cluster, audit_id, event_time,
  resource || ' ' || kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || CASE resource WHEN 'roles' THEN 'Role' ELSE 'ClusterRole' END || ' '
    || kt_target(namespace, object_name) || ' granting exec into pods: '
    || array_to_string(list_transform(matched, lambda r: array_to_string(kt_rule_verbs(r), ',') || ' on ' || array_to_string(kt_rule_resources(r), ',')), '; ') AS summary
FROM roles
WHERE len(matched) > 0
