/*
id: role-grants-write
title: ClusterRole with write verbs created
severity: low
mitre: [T1098.006]
needs: [request-bodies]
description: >-
  A ClusterRole is written with write verbs (create, update, patch, delete, deletecollection) on some resource: an inventory of who hands out cluster-wide write rights, useful next to the binding that uses it.
false_positives: >-
  Every operator installation ships such roles. Low severity by design; suppress deployment pipelines.
response:
  - Who wrote the role and what it allows (summary, request_object).
  - Who it is bound to (`SELECT * FROM requests WHERE resource LIKE '%rolebindings' AND json_extract_string(request_object, '$.roleRef.name') = '<role>'`).
  - Narrow it, or delete it if nobody can explain it.
tags: [rbac, inventory]
references: [Falco ClusterRole With Write Privileges Created, Panther Kubernetes.Role.WritePermissions]
*/
WITH roles AS (
  SELECT *, list_filter(kt_rules(request_object), lambda r: len(list_intersect(kt_rule_verbs(r), ['create', 'update', 'patch', 'delete', 'deletecollection'])) > 0) AS matched
  FROM events
  WHERE resource = 'clusterroles' AND verb IN ('create', 'update', 'patch') AND subresource IS NULL AND succeeded
    AND NOT is_control_plane
)
SELECT cluster, audit_id, event_time,
  resource || ' ' || kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || CASE resource WHEN 'roles' THEN 'Role' ELSE 'ClusterRole' END || ' '
    || kt_target(namespace, object_name) || ' granting write verbs: '
    || array_to_string(list_transform(matched, lambda r: array_to_string(kt_rule_verbs(r), ',') || ' on ' || array_to_string(kt_rule_resources(r), ',')), '; ') AS summary
FROM roles
WHERE len(matched) > 0
