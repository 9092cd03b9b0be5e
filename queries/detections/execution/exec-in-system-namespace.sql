/*
id: exec-in-system-namespace
title: Exec or attach into a pod in a system namespace
severity: high
mitre: [T1609]
needs: [metadata]
partly_needs: {read-verbs: "exec over WebSocket (kubectl 1.30 and later) is logged as a get on pods/exec"}
description: >-
  An exec or attach session (SPDY create or WebSocket get) into a pod in kube-system or another system
  namespace. Those pods run the cluster's networking, DNS and cloud integrations with powerful service
  accounts and host access; a shell there is a short step to the node and to cluster-wide credentials.
  WebSocket sessions are reads: not logged with AKS kube-audit-admin or GKE without Data Access.
false_positives: >-
  Cluster administrators debugging DNS or networking. Rare; suppress by principal with an expiry.
response:
  - Who opened it, into which pod (summary), from where (source_ips).
  - The command (exec_sessions view) and the pod's service account and host access.
  - If unexplained, rotate the pod's service-account token and investigate its node.
tags: [execution, interactive]
references: [GuardDuty Execution:Kubernetes/ExecInKubeSystemPod]
*/
SELECT cluster, audit_id, event_time,
  kt_who(user_name) || ' ' || kt_target(namespace, name) AS group_key,
  kt_who(user_name) || ' ' || subresource || ' into system pod ' || kt_target(namespace, name)
    || coalesce(' (' || exec_command || ')', '') AS summary
FROM events
WHERE resource = 'pods' AND subresource IN ('exec', 'attach') AND verb IN ('create', 'get') AND succeeded
  AND in_system_namespace
