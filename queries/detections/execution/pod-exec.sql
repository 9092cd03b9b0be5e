/*
id: pod-exec
title: Exec or attach into a pod
severity: medium
mitre: [T1609]
needs: [metadata]
description: >-
  Someone opened an interactive session in a container (`kubectl exec`, `kubectl attach`). Matches both
  clients: SPDY sends verb create, WebSocket (kubectl 1.30 and later) sends verb get. A WebSocket session
  is a read, so it is missing where reads are not logged (AKS kube-audit-admin, GKE without Data Access).
false_positives: >-
  Administrators debugging, CI jobs running commands in pods, operators that exec (backup tools). Suppress
  those principals, per namespace where possible.
response:
  - Who opened it (user_name; on EKS the IAM ARN in user_extra), from where (source_ips), into which pod.
  - What ran first - `SELECT command FROM exec_sessions WHERE audit_id = ...`; keystrokes inside an interactive session are never logged.
  - What the same principal did around it - `FROM timeline('<user>')`.
  - If the session is not explained, treat the pod as compromised - snapshot it, rotate the credentials it mounts.
tags: [execution, interactive]
references: [Falco Attach/Exec Pod, Panther Kubernetes.Pod.Exec, Elastic Kubernetes Pod Exec, GuardDuty Execution:Kubernetes/ExecInPod]
*/
SELECT cluster, audit_id, event_time,
  coalesce(user_name, '?') || ' ' || kt_target(namespace, name) AS group_key,
  coalesce(user_name, '?') || ' ' || subresource || ' into ' || kt_target(namespace, name)
    || coalesce(' (' || exec_command || ')', '') AS summary
FROM events
WHERE resource = 'pods' AND subresource IN ('exec', 'attach') AND verb IN ('create', 'get') AND succeeded
