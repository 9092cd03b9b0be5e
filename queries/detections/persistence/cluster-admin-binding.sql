/*
id: cluster-admin-binding
title: Subjects bound to cluster-admin
severity: high
mitre: [T1098.006]
needs: [request-bodies]
description: >-
  A RoleBinding or ClusterRoleBinding is created or changed so that it grants the cluster-admin
  ClusterRole: full control of the cluster (or, through a RoleBinding, of a namespace). The control plane
  reconciling its bootstrap bindings (system:apiserver and the other components, the cloud's managed
  identities, from inside the cluster) is left out; AKS's masterclient (the local admin credential) is not,
  and neither is any service account: no kube-system controller grants cluster-admin, so one that does is
  someone using its token.
false_positives: >-
  Platform teams onboarding an administrator or a cluster-management tool. Suppress by principal with an expiry.
response:
  - Which subjects got cluster-admin, through which binding, and who granted it (summary).
  - Ask the granter; if unexplained, delete the binding and review everything the subjects did since (`FROM timeline('<subject>')`).
tags: [privilege-escalation, persistence, rbac]
references: [Falco Attach to cluster-admin Role, Panther Kubernetes.ClusterRoleBinding.Privileged, Elastic, Defender K8S_ClusterAdminBinding, Google SCC sensitive bindings, GuardDuty AnomalousBehavior.RoleBindingCreated]
*/
SELECT cluster, audit_id, event_time,
  resource || ' ' || kt_target(namespace, object_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || CASE resource WHEN 'rolebindings' THEN 'RoleBinding' ELSE 'ClusterRoleBinding' END || ' '
    || kt_target(namespace, object_name) || ' granting cluster-admin to '
    || coalesce(nullif(array_to_string(kt_subjects(request_object), ', '), ''), '(subjects not in the request)') AS summary
FROM events
WHERE resource IN ('rolebindings', 'clusterrolebindings') AND verb IN ('create', 'update', 'patch') AND succeeded
  AND json_extract_string(request_object, '$.roleRef.name') = 'cluster-admin'
  AND coalesce(json_extract_string(request_object, '$.roleRef.kind'), 'ClusterRole') = 'ClusterRole'
  AND NOT (is_control_plane AND NOT starts_with(user_name, 'system:serviceaccount:'))
