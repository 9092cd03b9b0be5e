/*
id: role-grants-nodes-proxy
title: Role grants the nodes/proxy subresource
severity: high
mitre: [T1611, T1609]
needs: [request-bodies]
description: >-
  A Role or ClusterRole is written with nodes/proxy (or nodes/*): the holder reaches every kubelet's API through the API server, which runs commands in any pod on any node, and even a get is enough for the kubelet's exec endpoint on some versions.
false_positives: >-
  Monitoring that scrapes kubelet metrics through the API server proxy. Prefer the metrics endpoints that do not need it.
response:
  - Who wrote the role and what it allows (summary, request_object).
  - Who it is bound to (`SELECT * FROM requests WHERE resource LIKE '%rolebindings' AND json_extract_string(request_object, '$.roleRef.name') = '<role>'`).
  - Narrow it, or delete it if nobody can explain it.
tags: [privilege-escalation, rbac]
references: [Panther Kubernetes.Role.NodeProxyPermissions, Stratus Red Team k8s.privilege-escalation.nodes-proxy]
*/
WITH roles AS (
  SELECT *, list_filter(kt_rules(request_object), lambda r: len(list_intersect(kt_rule_resources(r), ['nodes/proxy', 'nodes/*'])) > 0) AS matched
  FROM events
  WHERE resource IN ('roles', 'clusterroles') AND verb IN ('create', 'update', 'patch') AND subresource IS NULL AND succeeded
    AND NOT is_control_plane
)
SELECT cluster, audit_id, event_time,
  resource || ' ' || kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || CASE resource WHEN 'roles' THEN 'Role' ELSE 'ClusterRole' END || ' '
    || kt_target(namespace, object_name) || ' granting nodes/proxy: '
    || array_to_string(list_transform(matched, lambda r: array_to_string(kt_rule_verbs(r), ',') || ' on ' || array_to_string(kt_rule_resources(r), ',')), '; ') AS summary
FROM roles
WHERE len(matched) > 0
