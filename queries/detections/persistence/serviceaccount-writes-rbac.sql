/*
id: serviceaccount-writes-rbac
title: Service account writes RBAC objects
severity: medium
mitre: [T1098.006]
needs: [metadata]
description: >-
  A service account creates, changes or deletes a Role, ClusterRole, RoleBinding or ClusterRoleBinding;
  kube-system's (the controllers') only when they call from outside the cluster's networks. Workloads
  rarely need to; a stolen token with RBAC write rights is how an attacker turns a foothold into cluster
  admin.
false_positives: >-
  GitOps controllers (Argo CD, Flux), operators that create roles for their workloads, Helm run in-cluster.
  Suppress their service accounts.
response:
  - Which account changed which object (summary), from which pod (user_extra pod name when logged) and IP.
  - Whether the change grants the account (or others) more rights; revert if unexplained and rotate its token.
tags: [privilege-escalation, persistence, rbac]
references: [Elastic Kubernetes service account modified RBAC objects (GKE)]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) AS group_key,
  kt_who(user_name) || ' ' || kt_did(verb) || ' ' || resource || ' ' || kt_target(namespace, object_name) AS summary
FROM events
WHERE resource IN ('roles', 'clusterroles', 'rolebindings', 'clusterrolebindings')
  AND verb IN ('create', 'update', 'patch', 'delete', 'deletecollection') AND subresource IS NULL AND succeeded
  AND starts_with(user_name, 'system:serviceaccount:') AND NOT is_platform
