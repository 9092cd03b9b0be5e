/*
id: anonymous-granted-permissions
title: Permissions granted to anonymous or to every authenticated user
severity: critical
mitre: [T1098.006, T1190]
needs: [request-bodies]
description: >-
  A binding grants a role to system:anonymous, to the group system:unauthenticated, or to the group
  system:authenticated (on GKE that is anyone with a Google account). The cluster becomes open to whoever
  reaches its endpoint. The built-in discovery roles (`safe_roles`) are left out, as is the control plane
  creating its bootstrap bindings.
false_positives: >-
  Deliberately public read-only endpoints (rare). Prefer a narrower role.
response:
  - Which binding, role and granter (summary).
  - Delete the binding now; look for anonymous activity since (anonymous-request-allowed, anonymous-workload-create).
tags: [initial-access, privilege-escalation, rbac]
parameters:
  safe_roles:
    type: strings
    default: ["system:basic-user", "system:discovery", "system:public-info-viewer", "system:service-account-issuer-discovery"]
    description: roles that may be granted to these groups
references: [GuardDuty Policy:Kubernetes/AnonymousAccessGranted]
*/
WITH b AS (
  SELECT *, list_filter(kt_subjects(request_object), lambda s:
      s IN ('User:system:anonymous', 'Group:system:unauthenticated', 'Group:system:authenticated')) AS flagged
  FROM events
  WHERE resource IN ('rolebindings', 'clusterrolebindings') AND verb IN ('create', 'update', 'patch') AND succeeded
    AND NOT list_contains($safe_roles, json_extract_string(request_object, '$.roleRef.name'))
    AND NOT is_control_plane
)
SELECT cluster, audit_id, event_time,
  resource || ' ' || kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || kt_target(namespace, object_name) || ' granting '
    || json_extract_string(request_object, '$.roleRef.name') || ' to ' || array_to_string(flagged, ', ') AS summary
FROM b
WHERE len(flagged) > 0
