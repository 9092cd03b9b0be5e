/*
id: rbac-binding-changed
title: RoleBinding or ClusterRoleBinding changed
severity: low
mitre: [T1098.006]
needs: [metadata]
description: >-
  A RoleBinding or ClusterRoleBinding is created, updated, patched or deleted by someone other than the
  control plane: the change log of who gets which rights. Low severity by itself; the bodies, when logged,
  say which role and subjects (cluster-admin-binding, default-sa-privileged-binding and
  anonymous-granted-permissions look at those).
false_positives: >-
  Every RBAC change by administrators and deployment tools. Suppress pipelines that own RBAC.
response:
  - Who changed which binding, and to what (summary; request_object when bodies are logged).
  - Whether it matches a change request.
tags: [persistence, rbac, inventory]
references: [Sigma Kubernetes Rolebinding Modification, Falco K8s Role/Clusterrolebinding Created/Deleted (info), Elastic (AKS), Panther Azure.MonitorActivity.Kubernetes.RoleBindingCreated]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || resource || ' ' || kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || CASE resource WHEN 'rolebindings' THEN 'RoleBinding' ELSE 'ClusterRoleBinding' END || ' '
    || kt_target(namespace, object_name)
    || coalesce(' (' || json_extract_string(request_object, '$.roleRef.kind') || ' ' || json_extract_string(request_object, '$.roleRef.name')
                || ' to ' || array_to_string(kt_subjects(request_object), ', ') || ')', '') AS summary
FROM events
WHERE resource IN ('rolebindings', 'clusterrolebindings') AND verb IN ('create', 'update', 'patch', 'delete', 'deletecollection')
  AND subresource IS NULL AND succeeded AND NOT is_control_plane
