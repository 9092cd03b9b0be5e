/*
id: default-sa-privileged-binding
title: Admin rights granted to a default service account or to all service accounts
severity: high
mitre: [T1098.006]
needs: [request-bodies]
description: >-
  A binding grants a privileged role (`privileged_roles`) to a namespace's `default` service account, or
  to the groups system:serviceaccounts / system:serviceaccounts:<ns>. Every pod that does not name a
  service account runs as `default`, so any pod in that namespace, including one an attacker starts,
  gets the role.
false_positives: >-
  Quick fixes by people unaware of the consequences; old Helm charts. Fix them rather than suppress.
response:
  - Which binding and who made it (summary).
  - Replace it with a dedicated service account for the workload that needs the rights; delete the binding.
tags: [privilege-escalation, rbac, hygiene]
parameters:
  privileged_roles:
    type: strings
    default: [cluster-admin, admin, edit]
    description: roles that count as privileged
references: [GuardDuty Policy:Kubernetes/AdminAccessToDefaultServiceAccount]
*/
WITH b AS (
  SELECT *, list_filter(kt_subjects(request_object), lambda s:
      (starts_with(s, 'ServiceAccount:') AND ends_with(s, '/default'))
      OR s = 'Group:system:serviceaccounts' OR starts_with(s, 'Group:system:serviceaccounts:')) AS flagged
  FROM events
  WHERE resource IN ('rolebindings', 'clusterrolebindings') AND verb IN ('create', 'update', 'patch') AND succeeded
    AND list_contains($privileged_roles, json_extract_string(request_object, '$.roleRef.name'))
    AND NOT is_control_plane
)
SELECT cluster, audit_id, event_time,
  resource || ' ' || kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || kt_target(namespace, object_name) || ' granting '
    || json_extract_string(request_object, '$.roleRef.name') || ' to ' || array_to_string(flagged, ', ') AS summary
FROM b
WHERE len(flagged) > 0
