/*
id: system-role-modified
title: Built-in system role or binding modified or deleted
severity: high
mitre: [T1098, T1222]
needs: [metadata]
description: >-
  A Role, ClusterRole, RoleBinding or ClusterRoleBinding whose name starts with `system:` is updated,
  patched or deleted by someone other than the control plane. These are the rights of the control plane
  and nodes; changing them grants hidden rights (a rule added to a role a component already has) or
  breaks components. The API server reconciles most of them at start-up, which is left out.
false_positives: >-
  Cluster upgrades run by people; add-ons that patch system roles (rare).
response:
  - Which object and what changed (summary; request_object or the patch when bodies are logged).
  - Compare with the default (`kubectl get clusterrole NAME -o yaml` on a fresh cluster of the same version); restore it.
tags: [persistence, privilege-escalation, rbac]
references: [Falco System ClusterRole Modified/Deleted, Panther Kubernetes.SystemRole.Modified]
*/
SELECT cluster, audit_id, event_time,
  resource || ' ' || kt_target(namespace, name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || resource || ' ' || kt_target(namespace, name) AS summary
FROM events
WHERE resource IN ('roles', 'clusterroles', 'rolebindings', 'clusterrolebindings') AND verb IN ('update', 'patch', 'delete')
  AND subresource IS NULL AND starts_with(name, 'system:') AND succeeded AND NOT is_control_plane
